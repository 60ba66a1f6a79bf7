namespace SunspotForecaster.Models.Series;

/// <summary>A series cut into its ranges and windowed, ready for training and evaluation.</summary>
public sealed record PreparedSeries(SeriesSplit Split, StandardScaler Scaler, WindowSet Train, WindowSet Validation, WindowSet Test);
