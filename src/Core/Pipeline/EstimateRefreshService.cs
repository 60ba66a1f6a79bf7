using System.Runtime.ExceptionServices;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// The hourly timer's work: ingest SILSO's daily estimate, then the ledger's pass (today's forecasts
/// recorded by the first run after 00:00 UTC, the scoring, the demotion test). The ledger runs even
/// when the estimate could not be fetched; the failure is raised afterwards, for the host to log.
/// </summary>
public sealed class EstimateRefreshService(EisnIngestService eisn, LedgerService ledger)
{
    public async Task<EstimateRefresh> RefreshAsync(CancellationToken cancellationToken)
    {
        EisnIngestResult? ingested = null;
        Exception? failure = null;
        try
        {
            ingested = await eisn.IngestAsync(source: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or FileNotFoundException)
        {
            failure = e;
        }

        LedgerCycle cycle = await ledger.RunAsync(cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        return new EstimateRefresh(ingested!, cycle);
    }
}
