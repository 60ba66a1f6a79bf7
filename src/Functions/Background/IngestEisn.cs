using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Functions.Background;

/// <summary>
/// Timer (<c>EISN_SCHEDULE</c>, hourly by default): fetch SILSO's daily estimate with a conditional
/// GET and keep it as the one current copy if it is valid (it never queues a retrain); then the
/// ledger's pass: the first run after 00:00 UTC records the day's forecasts, every run scores what
/// arrived and tests the champion's live record.
/// </summary>
public sealed partial class IngestEisn(EstimateRefreshService refresh, ILogger<IngestEisn> logger)
{
    [Function(nameof(IngestEisn))]
    public async Task Run([TimerTrigger("%EISN_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        EstimateRefresh result = await refresh.RefreshAsync(cancellationToken);
        LogRun(result.Ingest.Outcome, result.Ingest.LastDate, result.Ingest.Reason, result.Ledger.Recorded, result.Ledger.Scored, result.Ledger.Demotion?.Reason, timer.IsPastDue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "EISN ingest {Outcome} (last day {LastDate}): {Reason}; ledger: recorded {Recorded}, scored {Scored}, demotion {Demotion}; past due: {PastDue}")]
    private partial void LogRun(IngestOutcome outcome, DateOnly? lastDate, string? reason, bool recorded, int scored, string? demotion, bool pastDue);
}
