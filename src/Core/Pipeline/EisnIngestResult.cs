using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>What one EISN ingest did: stored a new current copy, found it unchanged (or older than the stored one), or refused it as invalid (with the reason).</summary>
public sealed record EisnIngestResult(IngestOutcome Outcome, string? Sha256, long Bytes, DateOnly? LastDate, string? Reason);
