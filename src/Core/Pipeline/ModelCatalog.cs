using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// What a person asks of the models, the one place both hosts call: the versions with their
/// figures, a promotion by hand (also a rollback), a retrain on request, and the health summary.
/// Unknown models and versions are <see cref="KeyNotFoundException"/>s with a message to act on.
/// </summary>
public sealed class ModelCatalog(
    ModelRegistry registry,
    ModelAliases aliases,
    PromotionService promotion,
    RawDataStore rawData,
    RetrainQueue queue,
    ChampionCache champions,
    TimeProvider clock)
{
    public const string ManualReason = "promoted by hand";

    public async Task<ModelListing> ListAsync(string name, CancellationToken cancellationToken)
    {
        RequireKnown(name);
        IReadOnlyList<ModelVersion> versions = await registry.ListWithPackagesAsync(name, cancellationToken).ConfigureAwait(false);
        Champion? champion = await aliases.GetChampionAsync(name, cancellationToken).ConfigureAwait(false);
        return new ModelListing(name, champion?.Version, versions);
    }

    public async Task<ModelVersion> GetAsync(string name, int version, CancellationToken cancellationToken)
    {
        RequireKnown(name);
        return await registry.GetAsync(name, version, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Model '{name}' has no version {version}.");
    }

    /// <summary>Makes any complete version champion, whatever its figures.</summary>
    /// <exception cref="ModelPackageException">The version's package cannot be served.</exception>
    public async Task<Champion> PromoteAsync(string name, int version, CancellationToken cancellationToken)
    {
        await GetAsync(name, version, cancellationToken).ConfigureAwait(false);
        return await promotion.PromoteAsync(name, version, ManualReason, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues a retrain of <paramref name="name"/> on the current data and returns the message.</summary>
    /// <exception cref="NotReadyException">The forecaster has no data to train on yet.</exception>
    public async Task<RetrainRequest> RequestRetrainAsync(string name, CancellationToken cancellationToken)
    {
        RequireKnown(name);
        string? blob = null;
        string? sha256 = null;
        if (name == ModelKinds.Sunspots)
        {
            if (await rawData.GetLatestAsync(cancellationToken).ConfigureAwait(false) is not { } latest)
            {
                throw new NotReadyException("No SIDC data has been ingested yet; there is nothing to train on.");
            }

            (blob, sha256) = (latest.Pointer.BlobName, latest.Pointer.Sha256);
        }

        var message = new RetrainRequest(name, blob, sha256, "manual", clock.GetUtcNow());
        await queue.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await queue.EnqueueAsync(message, cancellationToken).ConfigureAwait(false);
        return message;
    }

    public async Task<HealthSummary> HealthAsync(CancellationToken cancellationToken)
    {
        (LatestPointer Pointer, Azure.ETag ETag)? latest = await rawData.GetLatestAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<IngestRun> runs = await rawData.GetRecentRunsAsync(1, cancellationToken).ConfigureAwait(false);
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var models = new Dictionary<string, HealthSummary.ModelState>();
        foreach (string model in ModelKinds.All)
        {
            int? champion = (await aliases.GetChampionAsync(model, cancellationToken).ConfigureAwait(false))?.Version;
            ServingState serving = await champions.StateAsync(model, cancellationToken).ConfigureAwait(false);
            models[model] = new HealthSummary.ModelState(champion, serving.ServedVersion, serving.Problem);
        }

        return new HealthSummary(
            latest is { Pointer: var pointer } ? new HealthSummary.DataState(pointer.LastDate, pointer.StoredAt, today.DayNumber - pointer.LastDate.DayNumber, pointer.Sha256) : null,
            runs.Count > 0 ? new HealthSummary.IngestState(runs[0].Time, runs[0].Outcome, runs[0].Error) : null,
            models);
    }

    private static void RequireKnown(string name)
    {
        if (!ModelKinds.IsKnown(name))
        {
            throw new KeyNotFoundException(ModelKinds.Unknown(name));
        }
    }
}
