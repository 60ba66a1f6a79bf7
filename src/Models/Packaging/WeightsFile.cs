namespace SunspotForecaster.Models.Packaging;

/// <summary>The weights file of a package: its name, size and SHA-256, checked before it is loaded.</summary>
public sealed record WeightsFile(string File, long Bytes, string Sha256);
