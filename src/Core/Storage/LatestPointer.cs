namespace SunspotForecaster.Core.Storage;

/// <summary>
/// <c>latest.json</c> in the raw container: the current, validated SIDC file. It moves only forward,
/// and only by a conditional write. <see cref="WriteId"/> is unique to the write that made it, so a
/// writer can tell its own write from another instance's after a retry.
/// </summary>
public sealed record LatestPointer(
    string BlobName,
    string Sha256,
    long Bytes,
    int Rows,
    DateOnly FirstDate,
    DateOnly LastDate,
    SourceInfo Source,
    DateTimeOffset StoredAt,
    string? WriteId = null);
