namespace SunspotForecaster.Core.Storage;

/// <summary>One ingest attempt as the ingest history keeps it: never the data, only what happened.</summary>
public sealed record IngestRun(DateTimeOffset Time, string Outcome, long Bytes, string? Sha256, bool Changed, string? BlobName, string? Error, string? SourceUrl);
