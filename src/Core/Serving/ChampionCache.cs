using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Classification;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Serving;

/// <summary>
/// The champions a serving instance answers with. Each is loaded once and kept; every
/// <see cref="ServingOptions.ChampionRefreshSeconds"/> the alias row is read (its ETag, not the
/// package), and a new champion is loaded beside the old one and swapped in atomically, so every
/// answer comes from one consistent version. A new champion that cannot be loaded does not replace
/// the last one that did: that one keeps serving, the problem is reported, and loading is tried
/// again at the next refresh. A replaced model is freed once no answer holds it.
/// </summary>
public sealed partial class ChampionCache(
    ModelAliases aliases,
    ModelRegistry registry,
    IOptions<ServingOptions> options,
    TimeProvider clock,
    ILogger<ChampionCache> logger) : IDisposable
{
    private readonly Slot<ForecastModel> _forecaster = new(ModelKind.Sunspots.Name, ForecasterPackage.Load);
    private readonly Slot<CarColourModel> _classifier = new(ModelKind.Cars.Name, ClassifierPackage.Load);

    /// <summary>The forecaster to answer with, held until the handle is disposed.</summary>
    public Task<ChampionHandle<ForecastModel>> AcquireForecasterAsync(CancellationToken cancellationToken) => AcquireAsync(_forecaster, cancellationToken);

    /// <summary>The classifier to answer with, held until the handle is disposed.</summary>
    public Task<ChampionHandle<CarColourModel>> AcquireClassifierAsync(CancellationToken cancellationToken) => AcquireAsync(_classifier, cancellationToken);

    /// <summary>What this instance serves for <paramref name="name"/> (refreshed as an answer would refresh it).</summary>
    public async Task<ServingState> StateAsync(string name, CancellationToken cancellationToken)
    {
        if (ModelKind.Parse(name) == ModelKind.Sunspots)
        {
            using ChampionHandle<ForecastModel> forecaster = await AcquireForecasterAsync(cancellationToken).ConfigureAwait(false);
            return new ServingState(forecaster.Served?.Version, forecaster.Problem);
        }

        using ChampionHandle<CarColourModel> classifier = await AcquireClassifierAsync(cancellationToken).ConfigureAwait(false);
        return new ServingState(classifier.Served?.Version, classifier.Problem);
    }

    private async Task<ChampionHandle<TModel>> AcquireAsync<TModel>(Slot<TModel> slot, CancellationToken cancellationToken)
        where TModel : class, IDisposable
    {
        while (true)
        {
            Slot<TModel>.Snapshot snapshot = await CurrentAsync(slot, cancellationToken).ConfigureAwait(false);
            if (snapshot.Model is null)
            {
                return new ChampionHandle<TModel>(null, snapshot.Exists, snapshot.Problem, snapshot.Baseline);
            }

            if (snapshot.Model.TryAcquire())
            {
                return new ChampionHandle<TModel>(snapshot.Model, snapshot.Exists, snapshot.Problem, snapshot.Baseline);
            }

            // Swapped out and freed between the read and the acquire: read again.
        }
    }

    private async Task<Slot<TModel>.Snapshot> CurrentAsync<TModel>(Slot<TModel> slot, CancellationToken cancellationToken)
        where TModel : class, IDisposable
    {
        Slot<TModel>.Snapshot current = slot.Current;
        if (IsFresh(current))
        {
            return current;
        }

        await slot.Refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = slot.Current;
            if (IsFresh(current))
            {
                return current;
            }

            Champion? champion = await aliases.GetChampionAsync(slot.Name, cancellationToken).ConfigureAwait(false);
            Slot<TModel>.Snapshot next;
            if (champion is null)
            {
                next = new(null, null, Exists: false, Problem: null, clock.GetUtcNow());
            }
            else if (champion.IsBaseline)
            {
                next = new(null, champion.ETag, Exists: true, Problem: champion.Reason, clock.GetUtcNow(), champion.Baseline);
            }
            else if (current.Model?.Served.Version == champion.Version && current.ETag == champion.ETag)
            {
                next = current with { CheckedAt = clock.GetUtcNow() };
            }
            else if (current.Model?.Served.Version == champion.Version)
            {
                next = current with { ETag = champion.ETag, Problem = null, Baseline = null, CheckedAt = clock.GetUtcNow() };
            }
            else
            {
                (SharedModel<TModel>? loaded, string? problem) = await LoadAsync(slot, champion, cancellationToken).ConfigureAwait(false);
                next = loaded is not null
                    ? new(loaded, champion.ETag, Exists: true, Problem: null, clock.GetUtcNow())
                    : current with
                    {
                        Exists = true,
                        Baseline = null,
                        Problem = current.Model is { } kept ? $"{problem}; serving version {kept.Served.Version}, the last champion that loaded" : problem,
                        CheckedAt = clock.GetUtcNow(),
                    };
            }

            slot.Current = next;
            if (current.Model is { } replaced && !ReferenceEquals(replaced, next.Model))
            {
                replaced.Release();
            }

            return next;
        }
        finally
        {
            slot.Refreshing.Release();
        }
    }

    private bool IsFresh<TModel>(Slot<TModel>.Snapshot snapshot)
        where TModel : class, IDisposable =>
        snapshot.CheckedAt is DateTimeOffset checkedAt && clock.GetUtcNow() - checkedAt < TimeSpan.FromSeconds(options.Value.ChampionRefreshSeconds);

    private async Task<(SharedModel<TModel>? Model, string? Problem)> LoadAsync<TModel>(Slot<TModel> slot, Champion champion, CancellationToken cancellationToken)
        where TModel : class, IDisposable
    {
        try
        {
            (ModelVersion _, PackageFiles files) = await registry.DownloadAsync(slot.Name, champion.Version, cancellationToken).ConfigureAwait(false);
            (TModel model, ModelManifest manifest) = slot.Load(files, ModelRegistry.Origin(slot.Name, champion.Version));
            LogLoaded(slot.Name, champion.Version);
            return (new SharedModel<TModel>(new ServedModel<TModel>(slot.Name, champion.Version, model, manifest)), null);
        }
        catch (Exception e) when (e is ModelPackageException or RequestFailedException or KeyNotFoundException)
        {
            LogUnloadable(slot.Name, champion.Version, e.Message);
            return (null, $"the champion, {slot.Name} version {champion.Version}, cannot be loaded: {e.Message}");
        }
    }

    public void Dispose()
    {
        _forecaster.Current.Model?.Release();
        _classifier.Current.Model?.Release();
        _forecaster.Refreshing.Dispose();
        _classifier.Refreshing.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Model} version {Version}")]
    private partial void LogLoaded(string model, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "The champion {Model} version {Version} cannot be loaded: {Problem}")]
    private partial void LogUnloadable(string model, int version, string problem);

    private sealed class Slot<TModel>(string name, Func<PackageFiles, string, (TModel, ModelManifest)> load)
        where TModel : class, IDisposable
    {
        private volatile Snapshot _current = new(null, null, Exists: false, Problem: null, CheckedAt: null);

        public string Name { get; } = name;

        public Func<PackageFiles, string, (TModel Model, ModelManifest Manifest)> Load { get; } = load;

        public SemaphoreSlim Refreshing { get; } = new(1, 1);

        /// <summary>Replaced whole, never changed in place: a reader sees one consistent snapshot.</summary>
        public Snapshot Current
        {
            get => _current;
            set => _current = value;
        }

        /// <summary>The served model (null: none loaded), the ETag of the alias it came from, and the problem with the promoted one.</summary>
        public sealed record Snapshot(SharedModel<TModel>? Model, ETag? ETag, bool Exists, string? Problem, DateTimeOffset? CheckedAt, ForecastMethod? Baseline = null);
    }
}
