using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Functions.Background;

/// <summary>
/// Queue <c>%Storage:RetrainQueue%</c> (<c>retrain-requests</c>) on the <c>Storage:Queues</c> connection, the
/// very settings the writer uses: retrain a model unless the same work is done already. A message
/// that can never succeed is logged and completed once; while another trainer holds the model, the
/// message is sent again to come back when that trainer can have finished; any other failure
/// throws, so the host delivers the message again (after five attempts it goes to
/// <c>retrain-requests-poison</c>). When the worker stops, the retrain is cancelled and the stop
/// waits for it to unwind (<see cref="RunningWork"/>).
/// </summary>
public sealed partial class RetrainModel(RetrainService retrain, RunningWork running, ILogger<RetrainModel> logger)
{
    [Function(nameof(RetrainModel))]
    public async Task Run([QueueTrigger("%" + StorageOptions.RetrainQueueSetting + "%", Connection = StorageOptions.QueuesSection)] string message, CancellationToken cancellationToken)
    {
        // Also cancelled when the worker stops: the host does not cancel the invocation then.
        RetrainResult result = await running.RunAsync(token => retrain.HandleMessageAsync(message, token), cancellationToken);
        if (result.Outcome == RetrainOutcome.Dropped)
        {
            LogPermanentFailure(result.Message);
            return;
        }

        LogResult(result.Version?.Name, result.Outcome, result.Version?.Version, result.Decision?.Promoted, result.Decision?.CandidateScore, result.Decision?.ChampionScore, result.Message);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Retrain message dropped, it can never succeed: {Reason}")]
    private partial void LogPermanentFailure(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrain {Model}: {Outcome}, version {Version}, promoted {Promoted} (score {CandidateScore}, champion {ChampionScore}): {Message}")]
    private partial void LogResult(string? model, RetrainOutcome outcome, int? version, bool? promoted, double? candidateScore, double? championScore, string message);
}
