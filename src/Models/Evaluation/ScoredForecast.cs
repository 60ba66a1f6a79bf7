namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// A served forecast day whose truth has arrived: issued on <see cref="IssueDate"/> at
/// <see cref="Lead"/> days from the last observation by <see cref="Version"/> (0: a baseline
/// fallback), its value and interval, both baselines for the same target, and what was observed.
/// </summary>
public sealed record ScoredForecast(DateOnly IssueDate, int Lead, int Version, float Value, float? Lower, float? Upper, float Persistence, float RotationMean, float Observed);
