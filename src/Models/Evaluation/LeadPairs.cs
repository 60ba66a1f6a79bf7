using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// The (forecast, actual) pairs at one lead, for the network, both baselines and the linear model,
/// on the very same target days (<see cref="Linear"/> is empty for a model without a linear forecast).
/// </summary>
public sealed record LeadPairs(int Lead, List<(float Forecast, float Actual)> Model, List<(float Forecast, float Actual)> Persistence, List<(float Forecast, float Actual)> RotationMean, List<(float Forecast, float Actual)> Linear)
{
    public List<(float Forecast, float Actual)> Of(ForecastMethod method) => method switch
    {
        ForecastMethod.Persistence => Persistence,
        ForecastMethod.RotationMean => RotationMean,
        ForecastMethod.Linear => Linear,
        _ => Model,
    };

    /// <summary>Root mean squared error; null without pairs.</summary>
    public static double? Rmse(List<(float Forecast, float Actual)> pairs) =>
        pairs.Count == 0 ? null : Math.Sqrt(pairs.Average(p => (double)(p.Actual - p.Forecast) * (p.Actual - p.Forecast)));

    /// <summary>Mean absolute error; null without pairs.</summary>
    public static double? Mae(List<(float Forecast, float Actual)> pairs) =>
        pairs.Count == 0 ? null : pairs.Average(p => Math.Abs((double)p.Actual - p.Forecast));
}
