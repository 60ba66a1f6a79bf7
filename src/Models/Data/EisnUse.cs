namespace SunspotForecaster.Models.Data;

/// <summary>What the serving series took from EISN: how many days, up to which, and — when it took none or skipped some — why.</summary>
public sealed record EisnUse(int DaysUsed, DateOnly? LastDateUsed, string? Note);
