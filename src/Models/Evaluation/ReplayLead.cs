namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// A replay's skill at one lead: how many targets the file holds, the RMSE of the forecasts served,
/// of both baselines and of the model's linear forecast (null without one) on the same targets,
/// interval coverage, and the served quantiles' CRPS, 90% interval score and hit rate per level
/// beside the CRPS and interval score of each baseline with its own quantiles.
/// </summary>
public sealed record ReplayLead(
    int Lead,
    int N,
    double? Rmse,
    double? PersistenceRmse,
    double? RotationMeanRmse,
    double? Coverage,
    double? LinearRmse = null,
    double? Crps = null,
    double? IntervalScore = null,
    IReadOnlyDictionary<string, double>? QuantileHits = null,
    double? PersistenceCrps = null,
    double? PersistenceIntervalScore = null,
    double? RotationMeanCrps = null,
    double? RotationMeanIntervalScore = null);
