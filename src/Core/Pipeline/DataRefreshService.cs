using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// The daily timer's work: ingest the SIDC file, queue the retrains that <see cref="RetrainPlanner"/>
/// finds due and this run claims, delete package blobs that a crash left without a registry row,
/// and the ledger's pass (new provisional values score the forecasts of last month).
/// </summary>
public sealed class DataRefreshService(IngestService ingest, RetrainPlanner planner, RetrainQueue queue, ModelRegistry registry, LedgerService ledger)
{
    /// <summary>A registration writes its blobs and its row within seconds; blobs a day old without a row never will have one.</summary>
    public static readonly TimeSpan OrphanAge = TimeSpan.FromDays(1);

    public async Task<DataRefresh> RefreshAsync(string? source, CancellationToken cancellationToken)
    {
        IngestResult result = await ingest.IngestAsync(source, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RetrainRequest> due = await planner.ClaimDueAsync(result.Latest, cancellationToken).ConfigureAwait(false);
        if (due.Count > 0)
        {
            await queue.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            foreach (RetrainRequest request in due)
            {
                await queue.EnqueueAsync(request, cancellationToken).ConfigureAwait(false);
                await planner.ConfirmQueuedAsync(request, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (string model in ModelKind.All.Select(k => k.Name))
        {
            await registry.DeleteOrphansAsync(model, OrphanAge, cancellationToken).ConfigureAwait(false);
        }

        await ledger.RunAsync(cancellationToken).ConfigureAwait(false);
        return new DataRefresh(result, due);
    }
}
