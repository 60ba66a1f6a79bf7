namespace SunspotForecaster.Models.Forecasting;

/// <summary>
/// The forecast for one day, as the model computes it, the API answers it and the CLI prints it.
/// <see cref="Lead"/> counts the days after the last observation; <see cref="Method"/> says where
/// the value comes from; <see cref="Quantiles"/> is its distribution, whose first and last
/// quantiles are the interval. A persistence fallback has neither.
/// </summary>
public sealed record ForecastDay(DateOnly Date, int Lead, float Value, float? Lower, float? Upper, double? IntervalLevel, ForecastMethod Method = ForecastMethod.Model, ForecastQuantiles? Quantiles = null);
