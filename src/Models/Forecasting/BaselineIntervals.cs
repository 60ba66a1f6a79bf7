namespace SunspotForecaster.Models.Forecasting;

/// <summary>The quantiles of persistence and of the 27-day mean, each fitted to its own errors on the validation years.</summary>
public sealed record BaselineIntervals(PredictionIntervals Persistence, PredictionIntervals RotationMean);
