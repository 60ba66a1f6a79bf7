namespace SunspotForecaster.Models.Data;

/// <summary>
/// One day of SILSO's daily estimate (EISN): the estimated sunspot number (NaN when the row says
/// -1), its standard deviation, how many stations it was computed from and how many were available.
/// </summary>
public sealed record EisnEstimate(DateOnly Date, float Value, float StandardDeviation, int Stations, int StationsAvailable);
