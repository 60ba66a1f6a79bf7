namespace SunspotForecaster.Models.Data;

/// <summary>A SIDC file as read: the series, and the SHA-256 and size of the exact bytes.</summary>
public sealed record SidcFile(SunspotSeries Series, string Sha256, long Bytes, string Origin);
