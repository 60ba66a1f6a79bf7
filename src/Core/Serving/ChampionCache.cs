using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Classification;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Serving;

/// <summary>
/// The champions a serving instance answers with. Each is loaded once and kept; every
/// <see cref="ServingOptions.ChampionRefreshSeconds"/> the alias row is read (its ETag, not the
/// package), and a new champion is loaded beside the old one and swapped in atomically, so every
/// answer comes from one consistent version. The replaced model is released after a grace period,
/// once answers already under way with it have finished.
/// </summary>
public sealed partial class ChampionCache(
    ModelAliases aliases,
    ModelRegistry registry,
    IOptions<ServingOptions> options,
    TimeProvider clock,
    ILogger<ChampionCache> logger) : IDisposable
{
    private readonly Slot<ForecastModel> _forecaster = new(ForecasterPackage.Kind, ForecasterPackage.Load);
    private readonly Slot<CarColourModel> _classifier = new(ClassifierPackage.Kind, ClassifierPackage.Load);

    public Task<ChampionState<ForecastModel>> GetForecasterAsync(CancellationToken cancellationToken) => GetAsync(_forecaster, cancellationToken);

    public Task<ChampionState<CarColourModel>> GetClassifierAsync(CancellationToken cancellationToken) => GetAsync(_classifier, cancellationToken);

    private async Task<ChampionState<TModel>> GetAsync<TModel>(Slot<TModel> slot, CancellationToken cancellationToken)
        where TModel : class, IDisposable
    {
        Slot<TModel>.Snapshot current = slot.Current;
        if (current.CheckedAt is DateTimeOffset checkedAt && clock.GetUtcNow() - checkedAt < TimeSpan.FromSeconds(options.Value.ChampionRefreshSeconds))
        {
            return current.State;
        }

        await slot.Refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = slot.Current;
            if (current.CheckedAt is DateTimeOffset again && clock.GetUtcNow() - again < TimeSpan.FromSeconds(options.Value.ChampionRefreshSeconds))
            {
                return current.State;
            }

            Champion? champion = await aliases.GetChampionAsync(slot.Name, cancellationToken).ConfigureAwait(false);
            Slot<TModel>.Snapshot next;
            if (champion is null)
            {
                next = new(new ChampionState<TModel>(null, false, null), null, clock.GetUtcNow());
            }
            else if (current.ETag == champion.ETag && current.State.Served is not null)
            {
                next = current with { CheckedAt = clock.GetUtcNow() };
            }
            else
            {
                next = new(await LoadAsync(slot, champion, cancellationToken).ConfigureAwait(false), champion.ETag, clock.GetUtcNow());
            }

            slot.Current = next;
            if (!ReferenceEquals(current.State.Served?.Model, next.State.Served?.Model) && current.State.Served is { } replaced)
            {
                // Answers under way may still hold the old model: release it once they are done.
                _ = Task.Delay(TimeSpan.FromSeconds(Math.Max(30, 2 * options.Value.ChampionRefreshSeconds)), CancellationToken.None)
                    .ContinueWith(_ => replaced.Model.Dispose(), TaskScheduler.Default);
            }

            return next.State;
        }
        finally
        {
            slot.Refreshing.Release();
        }
    }

    private async Task<ChampionState<TModel>> LoadAsync<TModel>(Slot<TModel> slot, Champion champion, CancellationToken cancellationToken)
        where TModel : class, IDisposable
    {
        try
        {
            (ModelVersion _, PackageFiles files) = await registry.DownloadAsync(slot.Name, champion.Version, cancellationToken).ConfigureAwait(false);
            (TModel model, ModelManifest manifest) = slot.Load(files, ModelRegistry.Origin(slot.Name, champion.Version));
            LogLoaded(slot.Name, champion.Version);
            return new ChampionState<TModel>(new ServedModel<TModel>(slot.Name, champion.Version, model, manifest), true, null);
        }
        catch (Exception e) when (e is ModelPackageException or RequestFailedException or KeyNotFoundException)
        {
            LogUnloadable(slot.Name, champion.Version, e.Message);
            return new ChampionState<TModel>(null, true, $"the champion, {slot.Name} version {champion.Version}, cannot be loaded: {e.Message}");
        }
    }

    public void Dispose()
    {
        _forecaster.Current.State.Served?.Model.Dispose();
        _classifier.Current.State.Served?.Model.Dispose();
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
        private volatile Snapshot _current = new(new ChampionState<TModel>(null, false, null), null, null);

        public string Name { get; } = name;

        public Func<PackageFiles, string, (TModel Model, ModelManifest Manifest)> Load { get; } = load;

        public SemaphoreSlim Refreshing { get; } = new(1, 1);

        /// <summary>Replaced whole, never changed in place: a reader sees one consistent snapshot.</summary>
        public Snapshot Current
        {
            get => _current;
            set => _current = value;
        }

        public sealed record Snapshot(ChampionState<TModel> State, ETag? ETag, DateTimeOffset? CheckedAt);
    }
}
