using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>What a scheduled refresh did: the ingest, and the retrain requests it queued.</summary>
public sealed record DataRefresh(IngestResult Ingest, IReadOnlyList<RetrainRequest> Enqueued);
