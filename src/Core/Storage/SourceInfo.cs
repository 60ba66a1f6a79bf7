namespace SunspotForecaster.Core.Storage;

/// <summary>Where a downloaded file came from, and the validators the server sent with it (for the next conditional GET).</summary>
public sealed record SourceInfo(string Url, string? ETag = null, DateTimeOffset? LastModified = null);
