namespace SunspotForecaster.Core.Storage;

/// <summary>
/// <c>latest.json</c> in the raw container: the current, validated SIDC file. It moves only forward,
/// and only by a conditional write.
/// </summary>
public sealed record LatestPointer(
    string BlobName,
    string Sha256,
    long Bytes,
    int Rows,
    DateOnly FirstDate,
    DateOnly LastDate,
    SourceInfo Source,
    DateTimeOffset StoredAt);
