using Microsoft.Extensions.Logging;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// The one rule for when a model needs retraining, for the timer and for <c>pipeline run</c> alike:
/// when no version was trained from the current data (none for the car model) with the current
/// settings, or when the one that was has no promotion decision (a crash between registering and
/// deciding; the retrain finishes the decision). It covers new data, a retrain message lost after
/// the data moved (SILSO's next update is a month away), and new training settings.
/// </summary>
public sealed partial class RetrainPlanner(ModelRegistry registry, TrainingRecipes settings, TimeProvider clock, ILogger<RetrainPlanner> logger)
{
    /// <summary>How long a queued retrain keeps others from queueing the same work: longer than a training and its retries, shorter than the timer's day.</summary>
    public static readonly TimeSpan ClaimLifetime = TimeSpan.FromHours(6);

    /// <summary>How long a claim whose message was not confirmed queued keeps others off: far longer than a claim and an enqueue take.</summary>
    public static readonly TimeSpan EnqueueGrace = TimeSpan.FromMinutes(10);

    /// <summary>The retrains due now, given the current data (none before the first ingest).</summary>
    public async Task<IReadOnlyList<RetrainRequest>> DueAsync(LatestPointer? latest, CancellationToken cancellationToken)
    {
        await registry.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<RetrainRequest>();
        if (latest is not null && await IsDueAsync(ModelKind.Sunspots.Name, latest.Sha256, cancellationToken).ConfigureAwait(false))
        {
            due.Add(new RetrainRequest(ModelKind.Sunspots.Name, latest.BlobName, latest.Sha256, "new-data", clock.GetUtcNow()));
        }

        if (await IsDueAsync(ModelKind.Cars.Name, ModelRegistry.NoData, cancellationToken).ConfigureAwait(false))
        {
            due.Add(new RetrainRequest(ModelKind.Cars.Name, null, null, "schedule", clock.GetUtcNow()));
        }

        return due;
    }

    /// <summary>
    /// The retrains due now that this caller may queue: each is claimed first, so that however many
    /// instances run the timer at once, one message goes out per model, data and settings.
    /// </summary>
    public async Task<IReadOnlyList<RetrainRequest>> ClaimDueAsync(LatestPointer? latest, CancellationToken cancellationToken)
    {
        var claimed = new List<RetrainRequest>();
        foreach (RetrainRequest request in await DueAsync(latest, cancellationToken).ConfigureAwait(false))
        {
            if (await registry.TryClaimRetrainAsync(request.Model, request.DataSha256 ?? ModelRegistry.NoData, settings.Fingerprint(request.Model), ClaimLifetime, EnqueueGrace, cancellationToken).ConfigureAwait(false))
            {
                claimed.Add(request);
            }
        }

        return claimed;
    }

    /// <summary>After <paramref name="request"/>'s message is queued: its claim then keeps other runs off for its whole lifetime.</summary>
    public Task ConfirmQueuedAsync(RetrainRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return registry.MarkClaimQueuedAsync(request.Model, request.DataSha256 ?? ModelRegistry.NoData, settings.Fingerprint(request.Model), cancellationToken);
    }

    private async Task<bool> IsDueAsync(string model, string dataKey, CancellationToken cancellationToken)
    {
        ModelVersion? trained = await registry.FindTrainedAsync(model, dataKey, settings.Fingerprint(model), cancellationToken).ConfigureAwait(false);
        if (trained is null)
        {
            return true;
        }

        if (trained.Status == ModelRegistry.StatusRegistered)
        {
            LogUndecided(model, trained.Version);
            return true;
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model} version {Version} was trained from the current data but has no promotion decision; queueing the retrain that finishes it")]
    private partial void LogUndecided(string model, int version);
}
