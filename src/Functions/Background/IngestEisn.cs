using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Functions.Background;

/// <summary>
/// Timer (<c>EISN_SCHEDULE</c>, hourly by default): fetch SILSO's daily estimate with a conditional
/// GET and keep it as the one current copy if it is valid. It never queues a retrain.
/// </summary>
public sealed partial class IngestEisn(EisnIngestService eisn, ILogger<IngestEisn> logger)
{
    [Function(nameof(IngestEisn))]
    public async Task Run([TimerTrigger("%EISN_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        EisnIngestResult result = await eisn.IngestAsync(source: null, cancellationToken);
        LogRun(result.Outcome, result.LastDate, result.Reason, timer.IsPastDue);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "EISN ingest {Outcome} (last day {LastDate}): {Reason}; past due: {PastDue}")]
    private partial void LogRun(IngestOutcome outcome, DateOnly? lastDate, string? reason, bool pastDue);
}
