using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Functions.Background;

/// <summary>
/// Timer (<c>INGEST_SCHEDULE</c>, daily by default): fetch SILSO's file with a conditional GET, store
/// it if it is new and valid, and queue the retrains that are due. A past-due run does the same;
/// there is no run on start-up.
/// </summary>
public sealed partial class IngestSunspots(DataRefreshService refresh, ILogger<IngestSunspots> logger)
{
    [Function(nameof(IngestSunspots))]
    public async Task Run([TimerTrigger("%INGEST_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        DataRefresh result = await refresh.RefreshAsync(source: null, cancellationToken);
        LogRun(result.Ingest.Outcome, result.Ingest.Sha256, string.Join(", ", result.Enqueued.Select(r => r.Model)), timer.IsPastDue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest {Outcome} (SHA-256 {Sha256}); retrains queued: [{Queued}]; past due: {PastDue}")]
    private partial void LogRun(IngestOutcome outcome, string? sha256, string queued, bool pastDue);
}
