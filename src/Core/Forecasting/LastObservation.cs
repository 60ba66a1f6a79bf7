namespace SunspotForecaster.Core.Forecasting;

/// <summary>The day a forecast starts from.</summary>
public sealed record LastObservation(DateOnly Date, float Value, bool Provisional);
