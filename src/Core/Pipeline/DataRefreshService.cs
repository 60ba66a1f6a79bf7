using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>The timer's work: ingest the SIDC file, then queue the retrains that <see cref="RetrainPlanner"/> finds due.</summary>
public sealed class DataRefreshService(IngestService ingest, RetrainPlanner planner, RetrainQueue queue)
{
    public async Task<DataRefresh> RefreshAsync(string? source, CancellationToken cancellationToken)
    {
        IngestResult result = await ingest.IngestAsync(source, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RetrainRequest> due = await planner.DueAsync(result.Latest, cancellationToken).ConfigureAwait(false);
        if (due.Count > 0)
        {
            await queue.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            foreach (RetrainRequest request in due)
            {
                await queue.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
            }
        }

        return new DataRefresh(result, due);
    }
}
