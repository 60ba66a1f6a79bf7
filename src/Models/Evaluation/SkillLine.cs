namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// Live skill over a lead band (<c>1</c>, <c>2-7</c> or <c>8-30</c>) for one model version: the
/// count of scored forecasts, the RMSE of the model and of each baseline on the same targets, the
/// skill against each (1 − RMSE / baseline RMSE: above 0 is better), interval coverage, and the
/// CRPS and 90% interval score of the forecasts that carried quantiles (null when none did: a
/// fallback, or rows recorded before quantiles were).
/// </summary>
public sealed record SkillLine(int Version, string Band, int Count, double Rmse, double PersistenceRmse, double RotationMeanRmse, double SkillVsPersistence, double SkillVsRotationMean, double? Coverage, double? Crps = null, double? IntervalScore = null);
