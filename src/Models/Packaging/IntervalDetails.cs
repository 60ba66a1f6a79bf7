namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// One method's quantiles (<see cref="Forecasting.PredictionIntervals"/>): the levels, the
/// noise-scale offset and, per lead, the relative error at each level.
/// </summary>
public sealed record IntervalDetails(IReadOnlyList<double> Levels, float ScaleOffset, float[][] Quantiles);
