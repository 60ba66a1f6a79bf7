using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// A served forecast day whose truth has arrived: issued on <see cref="IssueDate"/> at
/// <see cref="Lead"/> days from the last observation by <see cref="Version"/> (0: a baseline
/// fallback), its value, interval and quantiles (null for a fallback, and in ledger rows written
/// before quantiles were recorded), both baselines for the same target, and what was observed.
/// </summary>
public sealed record ScoredForecast(DateOnly IssueDate, int Lead, int Version, float Value, float? Lower, float? Upper, float Persistence, float RotationMean, float Observed, ForecastQuantiles? Quantiles = null);
