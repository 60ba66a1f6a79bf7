namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// The evidence that a model loses to persistence at leads 1–7 in live use: the RMSEs on the same
/// scored forecasts, how many forecasts over how many issue days, the Diebold–Mariano statistic
/// (positive: the model's squared errors are larger) and its one-sided p-value.
/// </summary>
public sealed record DemotionTest(int Count, int Days, double ModelRmse, double PersistenceRmse, double Statistic, double PValue)
{
    /// <summary>Worse than persistence by a margin that is not noise: enough forecasts, a higher RMSE, and p below 5%.</summary>
    public bool Demotes(int minCount) => Count >= minCount && ModelRmse > PersistenceRmse && PValue < 0.05;
}
