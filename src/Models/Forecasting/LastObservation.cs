using SunspotForecaster.Models.Data;

namespace SunspotForecaster.Models.Forecasting;

/// <summary>The day a forecast starts from: its date, value and kind (definitive, provisional or estimate; none for a caller's own values).</summary>
public sealed record LastObservation(DateOnly Date, float Value, ObservationKind? Kind);
