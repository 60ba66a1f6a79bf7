using Microsoft.Extensions.Logging;
using SunspotForecaster.Core.Packaging;

namespace SunspotForecaster.Core.Storage;

/// <summary>What a scheduled refresh did: the ingest, and the retrain requests it queued.</summary>
public sealed record DataRefresh(IngestResult Ingest, IReadOnlyList<RetrainRequest> Enqueued);

/// <summary>
/// The timer's work: ingest the SIDC file, and queue one retrain when the current data changed — or
/// when no sunspot version was ever trained from the current data (a retrain message lost after
/// the data moved would otherwise wait for SILSO's next update, a month away). While no car model
/// exists, one is queued too (it needs no data and trains in seconds).
/// </summary>
public sealed partial class DataRefreshService(IngestService ingest, ModelRegistry registry, RetrainQueue queue, TimeProvider clock, ILogger<DataRefreshService> logger)
{
    public async Task<DataRefresh> RefreshAsync(string? source, CancellationToken cancellationToken)
    {
        IngestResult result = await ingest.IngestAsync(source, cancellationToken).ConfigureAwait(false);
        var requests = new List<RetrainRequest>();
        await registry.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (result.Latest is { } latest)
        {
            bool due = result.Changed;
            if (!due && !(await registry.ListAsync(ForecasterPackage.Kind, cancellationToken).ConfigureAwait(false)).Any(v => v.DataSha256 == latest.Sha256))
            {
                LogRecovering(latest.Sha256);
                due = true;
            }

            if (due)
            {
                requests.Add(new RetrainRequest(ForecasterPackage.Kind, latest.BlobName, latest.Sha256, "new-data", clock.GetUtcNow()));
            }
        }

        if ((await registry.ListAsync(ClassifierPackage.Kind, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            requests.Add(new RetrainRequest(ClassifierPackage.Kind, null, null, "schedule", clock.GetUtcNow()));
        }

        if (requests.Count > 0)
        {
            await queue.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            foreach (RetrainRequest request in requests)
            {
                await queue.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
            }
        }

        return new DataRefresh(result, requests);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No sunspot version was trained from the current data {Sha256}; queueing a retrain")]
    private partial void LogRecovering(string sha256);
}
