namespace SunspotForecaster.Models.Packaging;

/// <summary>An inclusive range of days in a manifest.</summary>
public sealed record DateSpan(DateOnly Start, DateOnly End);
