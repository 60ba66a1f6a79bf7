using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Functions.Functions;

/// <summary>
/// Timer (<c>INGEST_SCHEDULE</c>, daily by default): fetch SILSO's file with a conditional GET, store
/// it if it is new and valid, and queue one retrain when the data changed. A past-due run does the
/// same; there is no run on start-up.
/// </summary>
public sealed partial class IngestSunspots(DataRefreshService refresh, ILogger<IngestSunspots> logger)
{
    [Function(nameof(IngestSunspots))]
    public async Task Run([TimerTrigger("%INGEST_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        DataRefresh result = await refresh.RefreshAsync(source: null, cancellationToken);
        LogRun(result.Ingest.Outcome, result.Ingest.Sha256, result.Enqueued is not null, timer.IsPastDue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest {Outcome} (SHA-256 {Sha256}); retrain queued: {Queued}; past due: {PastDue}")]
    private partial void LogRun(IngestOutcome outcome, string? sha256, bool queued, bool pastDue);
}
