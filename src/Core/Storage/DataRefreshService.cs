using Microsoft.Extensions.Logging;
using SunspotForecaster.Core.Packaging;

namespace SunspotForecaster.Core.Storage;

/// <summary>What a scheduled refresh did.</summary>
public sealed record DataRefresh(IngestResult Ingest, RetrainRequest? Enqueued);

/// <summary>
/// The timer's work: ingest the SIDC file, and queue one retrain when the current data changed — or
/// when no sunspot version was ever trained from the current data (a retrain message lost after
/// the data moved would otherwise wait for SILSO's next update, a month away).
/// </summary>
public sealed partial class DataRefreshService(IngestService ingest, ModelRegistry registry, RetrainQueue queue, TimeProvider clock, ILogger<DataRefreshService> logger)
{
    public async Task<DataRefresh> RefreshAsync(string? source, CancellationToken cancellationToken)
    {
        IngestResult result = await ingest.IngestAsync(source, cancellationToken).ConfigureAwait(false);
        if (result.Latest is not { } latest)
        {
            return new DataRefresh(result, null);
        }

        bool due = result.Changed;
        if (!due)
        {
            await registry.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            bool trained = (await registry.ListAsync(ForecasterPackage.Kind, cancellationToken).ConfigureAwait(false)).Any(v => v.DataSha256 == latest.Sha256);
            if (!trained)
            {
                LogRecovering(latest.Sha256);
                due = true;
            }
        }

        if (!due)
        {
            return new DataRefresh(result, null);
        }

        var request = new RetrainRequest(ForecasterPackage.Kind, latest.BlobName, latest.Sha256, "new-data", clock.GetUtcNow());
        await queue.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await queue.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
        return new DataRefresh(result, request);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No sunspot version was trained from the current data {Sha256}; queueing a retrain")]
    private partial void LogRecovering(string sha256);
}
