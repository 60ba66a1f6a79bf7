using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Models.Evaluation;

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
    ObservationsService observations,
    IngestHistory history,
    LedgerService ledger,
    TimeProvider clock)
{
    public const string ManualReason = "promoted by hand";

    public async Task<ModelListing> ListAsync(string name, CancellationToken cancellationToken)
    {
        RequireKnown(name);
        IReadOnlyList<ModelVersion> versions = await registry.ListWithPackagesAsync(name, cancellationToken).ConfigureAwait(false);
        Champion? champion = await aliases.GetChampionAsync(name, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<Demotion> demotions = await aliases.ListDemotionsAsync(name, cancellationToken).ConfigureAwait(false);
        return new ModelListing(name, champion is { IsBaseline: false } ? champion.Version : null, champion?.Baseline, versions, demotions);
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
        if (ModelKind.Parse(name).LearnsFromData)
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
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        HealthSummary.DataState? data = null;
        HealthSummary.EisnState eisn = new(null, null, null, 0, null, "no SIDC data has been ingested yet");
        try
        {
            CurrentObservations current = await observations.CurrentAsync(cancellationToken).ConfigureAwait(false);
            LastObservation? last = SunspotForecast.LastObservationOf(current.Series);
            int? age = last is null ? null : today.DayNumber - last.Date.DayNumber;
            bool stale = last is null || age + 1 > ForecastModel.MaxLead;
            data = new HealthSummary.DataState(current.File.LastDate, current.File.StoredAt, current.File.Sha256, last?.Date, last?.Kind, age, stale,
                stale ? last is null ? "no day has an observation" : $"the newest observation, {last.Date:yyyy-MM-dd}, is {age} days old: tomorrow would need a lead above {ForecastModel.MaxLead} days, so forecasts answer 503" : null);
            EisnUse use = current.Series.Eisn;
            eisn = new HealthSummary.EisnState(current.Eisn?.FirstDate, current.Eisn?.LastDate, current.Eisn?.FetchedAt, use.DaysUsed, use.LastDateUsed, use.Note);
        }
        catch (NotReadyException)
        {
            // No data yet: the summary says so through its empty data state.
        }

        IReadOnlyList<IngestRun> runs = await history.RecentAsync(IngestHistory.Sidc, 1, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<IngestRun> eisnRuns = await history.RecentAsync(IngestHistory.Eisn, 1, cancellationToken).ConfigureAwait(false);
        var models = new Dictionary<string, HealthSummary.ModelState>();
        foreach (string model in ModelKind.All.Select(k => k.Name))
        {
            Champion? alias = await aliases.GetChampionAsync(model, cancellationToken).ConfigureAwait(false);
            int? champion = alias is { IsBaseline: false } ? alias.Version : null;
            ServingState serving = await champions.StateAsync(model, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<SkillLine>? live = ModelKind.Parse(model).LearnsFromData && champion is int version
                ? [.. (await ledger.SkillAsync(cancellationToken).ConfigureAwait(false)).Lines.Where(l => l.Version == version)]
                : null;
            models[model] = new HealthSummary.ModelState(champion, serving.ServedVersion, serving.Problem, live);
        }

        return new HealthSummary(
            data,
            eisn,
            runs.Count > 0 ? new HealthSummary.IngestState(runs[0].Time, runs[0].Outcome, runs[0].Error) : null,
            eisnRuns.Count > 0 ? new HealthSummary.IngestState(eisnRuns[0].Time, eisnRuns[0].Outcome, eisnRuns[0].Error) : null,
            models);
    }

    private static void RequireKnown(string name)
    {
        if (!ModelKind.IsKnown(name))
        {
            throw new KeyNotFoundException(ModelKind.Unknown(name));
        }
    }
}
