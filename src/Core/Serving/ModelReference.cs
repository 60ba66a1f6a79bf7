namespace SunspotForecaster.Core.Serving;

/// <summary>A model version by name and number.</summary>
public sealed record ModelReference(string Name, int Version);
