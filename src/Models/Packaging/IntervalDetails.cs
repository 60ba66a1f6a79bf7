namespace SunspotForecaster.Models.Packaging;

/// <summary>The prediction intervals: level, noise-scale offset and the quantiles per lead.</summary>
public sealed record IntervalDetails(double Level, float ScaleOffset, float[] Lower, float[] Upper);
