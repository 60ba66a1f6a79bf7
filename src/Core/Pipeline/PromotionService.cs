using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Classification;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// The champion policy. A new sunspot version becomes champion only if it beats both the current
/// champion and persistence on the very same test days of the data it was trained on — the champion
/// is scored again on that range, which grows as SILSO publishes. A new car version must beat the
/// champion's accuracy on every single-car sequence. Otherwise the version is marked rejected with
/// the reason and both figures. The alias changes only with the ETag read before deciding; when
/// another promotion got there first, the decision is taken again against the new champion.
/// </summary>
public sealed partial class PromotionService(ModelRegistry registry, ModelAliases aliases, IOptions<PromotionOptions> options, ILogger<PromotionService> logger)
{
    private const int MaxAttempts = 20;

    /// <summary>Decides on a registered <paramref name="version"/>, loading it from the registry; <paramref name="data"/> is the file it was trained on (sunspots only).</summary>
    public async Task<PromotionDecision> ConsiderAsync(string name, int version, SidcFile? data, CancellationToken cancellationToken)
    {
        (ModelVersion _, PackageFiles files) = await registry.DownloadAsync(name, version, cancellationToken).ConfigureAwait(false);
        string origin = ModelRegistry.Origin(name, version);
        if (ModelKind.Parse(name) == ModelKind.Sunspots)
        {
            (ForecastModel candidate, ModelManifest manifest) = ForecasterPackage.Load(files, origin);
            using (candidate)
            {
                return await ConsiderForecasterAsync(version, candidate, manifest.Forecaster!.Ranges.Test.Start, data ?? throw new ArgumentException("Promoting a sunspot model needs the data it was trained on.", nameof(data)), cancellationToken).ConfigureAwait(false);
            }
        }

        using CarColourModel classifier = ClassifierPackage.Load(files, origin).Model;
        return await ConsiderClassifierAsync(version, classifier, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Decides on the forecaster just trained and registered as <paramref name="version"/>, from
    /// memory: scored with the champion from <paramref name="testStart"/> (its own test start) to the
    /// end of <paramref name="data"/>.
    /// </summary>
    public Task<PromotionDecision> ConsiderForecasterAsync(int version, ForecastModel candidate, DateOnly testStart, SidcFile data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(data);
        return DecideAsync(ModelKind.Sunspots.Name, version, champion =>
        {
            using ForecastModel? model = TryLoad(champion, ModelKind.Sunspots.Name, ForecasterPackage.Load, out string? problem);
            return DecideForecaster(version, candidate, testStart, champion?.Version, model, problem, data);
        }, cancellationToken);
    }

    /// <summary>Decides on the car classifier just trained and registered as <paramref name="version"/>, from memory.</summary>
    public Task<PromotionDecision> ConsiderClassifierAsync(int version, CarColourModel candidate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        int maxLength = options.Value.CarEnumerationMaxLength;
        return DecideAsync(ModelKind.Cars.Name, version, champion =>
        {
            using CarColourModel? model = TryLoad(champion, ModelKind.Cars.Name, ClassifierPackage.Load, out string? problem);
            return DecideClassifier(version, candidate, champion?.Version, model, problem, maxLength);
        }, cancellationToken);
    }

    /// <summary>
    /// Makes any complete version the champion, whatever its figures (also a rollback). The package
    /// is checked against its registry row and loaded first: one that cannot be served never becomes
    /// champion.
    /// </summary>
    /// <exception cref="ModelPackageException">The version's package is incomplete, changed, or does not load.</exception>
    public async Task<Champion> PromoteAsync(string name, int version, string reason, CancellationToken cancellationToken)
    {
        await aliases.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        (ModelVersion _, PackageFiles files) = await registry.DownloadAsync(name, version, cancellationToken).ConfigureAwait(false);
        string origin = ModelRegistry.Origin(name, version);
        if (ModelKind.Parse(name) == ModelKind.Sunspots)
        {
            ForecasterPackage.Load(files, origin).Model.Dispose();
        }
        else
        {
            ClassifierPackage.Load(files, origin).Model.Dispose();
        }

        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            Champion? current = await aliases.GetChampionAsync(name, cancellationToken).ConfigureAwait(false);
            if (await aliases.TrySetChampionAsync(name, version, reason, current, cancellationToken).ConfigureAwait(false))
            {
                await registry.MarkAsync(name, version, ModelRegistry.StatusPromoted, reason, cancellationToken).ConfigureAwait(false);
                return (await aliases.GetChampionAsync(name, cancellationToken).ConfigureAwait(false))!;
            }
        }

        throw new InvalidOperationException($"The champion of '{name}' kept changing; version {version} was not promoted.");
    }

    /// <summary>
    /// The decision loop both models share; <paramref name="decide"/> gets the champion's package
    /// (null when there is none), or why it could not be read.
    /// </summary>
    private async Task<PromotionDecision> DecideAsync(string name, int version, Func<ChampionPackage?, PromotionDecision> decide, CancellationToken cancellationToken)
    {
        await aliases.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            Champion? champion = await aliases.GetChampionAsync(name, cancellationToken).ConfigureAwait(false);
            if (champion?.Version == version)
            {
                // Also the way back from a crash or an error after our own alias update was applied:
                // make sure the row says so (an idempotent merge).
                await registry.MarkAsync(name, version, ModelRegistry.StatusPromoted, champion.Reason, cancellationToken).ConfigureAwait(false);
                return new PromotionDecision(name, version, true, version, double.NaN, null, null, $"already the champion: {champion.Reason}");
            }

            // A baseline answering since a demotion has no package: the candidate then only has to beat persistence.
            ChampionPackage? championPackage = null;
            if (champion is { IsBaseline: false })
            {
                try
                {
                    championPackage = new ChampionPackage(champion.Version, (await registry.DownloadAsync(name, champion.Version, cancellationToken).ConfigureAwait(false)).Files, null);
                }
                catch (Exception e) when (e is ModelPackageException or KeyNotFoundException)
                {
                    championPackage = new ChampionPackage(champion.Version, null, e.Message);
                }
            }

            PromotionDecision decision = decide(championPackage);
            if (!decision.Promoted)
            {
                await registry.MarkAsync(name, version, ModelRegistry.StatusRejected, decision.Reason, cancellationToken).ConfigureAwait(false);
                LogDecision(name, version, decision.Promoted, decision.CandidateScore, decision.ChampionScore, decision.Reason);
                return decision;
            }

            // A refused update is either another promotion's win or our own update, applied before
            // the client saw an error and retried: the alias then names us.
            if (await aliases.TrySetChampionAsync(name, version, decision.Reason, champion, cancellationToken).ConfigureAwait(false)
                || (await aliases.GetChampionAsync(name, cancellationToken).ConfigureAwait(false))?.Version == version)
            {
                await registry.MarkAsync(name, version, ModelRegistry.StatusPromoted, decision.Reason, cancellationToken).ConfigureAwait(false);
                LogDecision(name, version, decision.Promoted, decision.CandidateScore, decision.ChampionScore, decision.Reason);
                return decision;
            }

            LogLostRace(name, version, attempt);
        }

        throw new InvalidOperationException($"The champion of '{name}' changed {MaxAttempts} times while version {version} was being considered; try again.");
    }

    // A champion whose package cannot be read or loaded cannot be compared; it must not block every
    // promotion: the candidate then only has to beat persistence, and replaces it.
    private static TModel? TryLoad<TModel>(ChampionPackage? champion, string name, Func<PackageFiles, string, (TModel, ModelManifest)> load, out string? problem)
        where TModel : class
    {
        problem = champion?.Problem;
        if (champion?.Files is not { } files)
        {
            return null;
        }

        try
        {
            return load(files, ModelRegistry.Origin(name, champion.Version)).Item1;
        }
        catch (ModelPackageException e)
        {
            problem = e.Message;
            return null;
        }
    }

    private static string Unloadable(int? championVersion, string? problem) =>
        problem is null ? "" : $"; the champion, version {championVersion}, cannot be loaded and is replaced ({problem})";

    private static PromotionDecision DecideForecaster(int version, ForecastModel candidate, DateOnly testStart, int? championVersion, ForecastModel? champion, string? championProblem, SidcFile data)
    {
        var range = new DateRange(testStart, data.Series.LastDate);
        ForecastModel[] models = champion is null ? [candidate] : [candidate, champion];
        (double[] rmse, double persistence, int days) = ForecastEvaluator.CompareOnSameDays(models, data.Series, range);
        double? championRmse = champion is null ? null : rmse[1];
        string figures = string.Create(CultureInfo.InvariantCulture,
            $"on {days:N0} test days {range}: RMSE {rmse[0]:0.000}{(championRmse is double c ? $" against the champion's {c:0.000} (version {championVersion})" : "")} and persistence's {persistence:0.000}");
        bool beatsPersistence = rmse[0] < persistence;
        bool beatsChampion = championRmse is null || rmse[0] < championRmse;
        string reason = beatsPersistence && beatsChampion ? $"better {figures}{Unloadable(championVersion, championProblem)}"
            : !beatsPersistence ? $"not better than persistence {figures}"
            : $"not better than the champion {figures}";
        return new PromotionDecision(ModelKind.Sunspots.Name, version, beatsPersistence && beatsChampion, championVersion, rmse[0], championRmse, persistence, reason);
    }

    private static PromotionDecision DecideClassifier(int version, CarColourModel candidate, int? championVersion, CarColourModel? champion, string? championProblem, int maxLength)
    {
        double candidateAccuracy = CarColourTrainer.EnumerationAccuracy(candidate, maxLength).Accuracy;
        double? championAccuracy = champion is null ? null : CarColourTrainer.EnumerationAccuracy(champion, maxLength).Accuracy;
        bool promoted = championAccuracy is null || candidateAccuracy > championAccuracy;
        string figures = string.Create(CultureInfo.InvariantCulture,
            $"accuracy {candidateAccuracy:P3} on every single-car sequence of lengths 1..{maxLength}{(championAccuracy is double c ? $" against the champion's {c:P3} (version {championVersion})" : "")}");
        return new PromotionDecision(ModelKind.Cars.Name, version, promoted, championVersion, candidateAccuracy, championAccuracy, null,
            promoted ? $"better: {figures}{Unloadable(championVersion, championProblem)}" : $"not better than the champion: {figures}");
    }

    /// <summary>The champion's package as read for a decision: its files, or why they could not be read.</summary>
    private sealed record ChampionPackage(int Version, PackageFiles? Files, string? Problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} version {Version}: promoted {Promoted} (candidate {CandidateScore}, champion {ChampionScore}): {Reason}")]
    private partial void LogDecision(string model, int version, bool promoted, double candidateScore, double? championScore, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} version {Version}: the champion changed meanwhile (attempt {Attempt}); deciding again")]
    private partial void LogLostRace(string model, int version, int attempt);
}
