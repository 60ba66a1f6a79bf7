using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Functions.Background;

/// <summary>
/// Queue <c>%Storage:RetrainQueue%</c> (<c>retrain-requests</c>) on the <c>Storage:Queues</c> connection, the
/// very settings the writer uses: retrain a model unless the same work is done already. A message
/// that can never succeed (invalid JSON, unknown model, missing or mismatched data) is logged and
/// completed once; a transient failure throws, so the host delivers it again (after five attempts
/// it goes to <c>retrain-requests-poison</c>). While another instance trains the same model the
/// message comes back after the queue's visibility timeout.
/// </summary>
public sealed partial class RetrainModel(RetrainService retrain, ILogger<RetrainModel> logger)
{
    [Function(nameof(RetrainModel))]
    public async Task Run([QueueTrigger("%" + StorageOptions.RetrainQueueSetting + "%", Connection = StorageOptions.QueuesSection)] string message, CancellationToken cancellationToken)
    {
        RetrainRequest request;
        try
        {
            request = RetrainRequest.Parse(message);
        }
        catch (FormatException e)
        {
            LogPermanentFailure(e.Message);
            return;
        }

        RetrainResult result;
        try
        {
            result = await retrain.RetrainAsync(request, progress: null, cancellationToken);
        }
        catch (FormatException e)
        {
            LogPermanentFailure(e.Message);
            return;
        }

        if (result.Outcome == RetrainOutcome.Busy)
        {
            throw new InvalidOperationException($"Retrain of '{request.Model}' postponed: {result.Message}.");
        }

        LogResult(request.Model, result.Outcome, result.Version?.Version, result.Decision?.Promoted, result.Decision?.CandidateScore, result.Decision?.ChampionScore, result.Message);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Retrain message dropped, it can never succeed: {Reason}")]
    private partial void LogPermanentFailure(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrain {Model}: {Outcome}, version {Version}, promoted {Promoted} (score {CandidateScore}, champion {ChampionScore}): {Message}")]
    private partial void LogResult(string model, RetrainOutcome outcome, int? version, bool? promoted, double? candidateScore, double? championScore, string message);
}
