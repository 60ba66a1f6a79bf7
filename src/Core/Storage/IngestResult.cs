namespace SunspotForecaster.Core.Storage;

/// <summary>The outcome of <see cref="RawDataStore.SaveAsync"/>: what was decided and why.</summary>
public sealed record IngestResult(IngestOutcome Outcome, string? Sha256, long Bytes, string? BlobName, string? Reason, LatestPointer? Latest)
{
    /// <summary>True when the current data changed, so a retrain is due.</summary>
    public bool Changed => Outcome == IngestOutcome.Stored;
}
