using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// The one rule for when a model needs retraining, for the timer and for <c>pipeline run</c> alike:
/// the forecaster when no version was trained from the current data (it changed, or a retrain
/// message was lost after it did: SILSO's next update is a month away), the car model while none
/// exists (it needs no data and trains in seconds).
/// </summary>
public sealed class RetrainPlanner(ModelRegistry registry, TimeProvider clock)
{
    public async Task<IReadOnlyList<RetrainRequest>> DueAsync(LatestPointer? latest, CancellationToken cancellationToken)
    {
        await registry.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<RetrainRequest>();
        if (latest is not null && !(await registry.ListAsync(ModelKinds.Sunspots, cancellationToken).ConfigureAwait(false)).Any(v => v.DataSha256 == latest.Sha256))
        {
            due.Add(new RetrainRequest(ModelKinds.Sunspots, latest.BlobName, latest.Sha256, "new-data", clock.GetUtcNow()));
        }

        if ((await registry.ListAsync(ModelKinds.Cars, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            due.Add(new RetrainRequest(ModelKinds.Cars, null, null, "schedule", clock.GetUtcNow()));
        }

        return due;
    }
}
