namespace SunspotForecaster.Core.Forecasting;

/// <summary>The forecast for one day <see cref="Horizon"/> days after the last observation, with its interval.</summary>
public sealed record DayForecast(int Horizon, float Value, float Lower, float Upper);
