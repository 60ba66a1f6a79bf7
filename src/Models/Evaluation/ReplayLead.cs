namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// A replay's skill at one lead: how many targets the file holds, the RMSE of the forecasts served,
/// of both baselines and of the model's linear forecast (null without one) on the same targets,
/// interval coverage, and the distributions' scores (<see cref="DistributionScores"/>).
/// </summary>
public sealed record ReplayLead(int Lead, int N, double? Rmse, double? PersistenceRmse, double? RotationMeanRmse, double? Coverage, double? LinearRmse = null)
    : DistributionScores;
