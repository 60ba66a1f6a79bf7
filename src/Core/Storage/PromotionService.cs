using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Classification;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Evaluation;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Series;

namespace SunspotForecaster.Core.Storage;

/// <summary>Settings of the promotion policy (section <c>Promotion</c>).</summary>
public sealed class PromotionOptions
{
    public const string SectionName = "Promotion";

    /// <summary>Car models are compared on every single-car sequence of lengths 1..this.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 128)]
    public int CarEnumerationMaxLength { get; set; } = 64;
}

/// <summary>What the promotion policy decided, with the figures it compared (lower RMSE, higher accuracy is better).</summary>
public sealed record PromotionDecision(string Name, int Version, bool Promoted, int? PreviousChampion, double CandidateScore, double? ChampionScore, double? PersistenceRmse, string Reason);

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

    /// <summary>Decides on <paramref name="version"/>; <paramref name="data"/> is the file it was trained on (sunspots only).</summary>
    public async Task<PromotionDecision> ConsiderAsync(string name, int version, SidcFile? data, CancellationToken cancellationToken)
    {
        await aliases.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var scratch = new ScratchDirectory();
        await registry.DownloadAsync(name, version, scratch.For(version), cancellationToken).ConfigureAwait(false);
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            Champion? champion = await aliases.GetChampionAsync(name, cancellationToken).ConfigureAwait(false);
            if (champion?.Version == version)
            {
                // Also the way back from a crash or an error after our own alias update was applied:
                // make sure the row says so (an idempotent merge).
                await registry.MarkAsync(name, version, ModelRegistry.StatusChampion, champion.Reason, cancellationToken).ConfigureAwait(false);
                return new PromotionDecision(name, version, true, version, double.NaN, null, null, $"already the champion: {champion.Reason}");
            }

            string? championDirectory = null;
            if (champion is not null)
            {
                championDirectory = scratch.For(champion.Version);
                if (!Directory.Exists(championDirectory))
                {
                    await registry.DownloadAsync(name, champion.Version, championDirectory, cancellationToken).ConfigureAwait(false);
                }
            }

            PromotionDecision decision = name == ForecasterPackage.Kind
                ? DecideForecaster(version, scratch.For(version), champion?.Version, championDirectory, data ?? throw new ArgumentException("Promoting a sunspot model needs the data it was trained on.", nameof(data)))
                : DecideClassifier(version, scratch.For(version), champion?.Version, championDirectory, options.Value.CarEnumerationMaxLength);

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
                await registry.MarkAsync(name, version, ModelRegistry.StatusChampion, decision.Reason, cancellationToken).ConfigureAwait(false);
                LogDecision(name, version, decision.Promoted, decision.CandidateScore, decision.ChampionScore, decision.Reason);
                return decision;
            }

            LogLostRace(name, version, attempt);
        }

        throw new InvalidOperationException($"The champion of '{name}' changed {MaxAttempts} times while version {version} was being considered; try again.");
    }

    /// <summary>
    /// Makes any complete version the champion, whatever its figures (also a rollback). The package
    /// is checked against its registry row first: an incomplete one is never served.
    /// </summary>
    public async Task<Champion> PromoteAsync(string name, int version, string reason, CancellationToken cancellationToken)
    {
        await aliases.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        using var scratch = new ScratchDirectory();
        await registry.DownloadAsync(name, version, scratch.For(version), cancellationToken).ConfigureAwait(false);
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            Champion? current = await aliases.GetChampionAsync(name, cancellationToken).ConfigureAwait(false);
            if (await aliases.TrySetChampionAsync(name, version, reason, current, cancellationToken).ConfigureAwait(false))
            {
                await registry.MarkAsync(name, version, ModelRegistry.StatusChampion, reason, cancellationToken).ConfigureAwait(false);
                return (await aliases.GetChampionAsync(name, cancellationToken).ConfigureAwait(false))!;
            }
        }

        throw new InvalidOperationException($"The champion of '{name}' kept changing; version {version} was not promoted.");
    }

    private static PromotionDecision DecideForecaster(int version, string candidateDirectory, int? championVersion, string? championDirectory, SidcFile data)
    {
        (ForecastModel candidate, ModelManifest manifest) = ForecasterPackage.Load(candidateDirectory);
        ForecastModel? champion = championDirectory is null ? null : ForecasterPackage.Load(championDirectory).Model;
        try
        {
            DateOnly testStart = manifest.Forecaster!.Ranges.Test.Start;
            var range = new DateRange(testStart, data.Series.LastDate);
            ForecastModel[] models = champion is null ? [candidate] : [candidate, champion];
            (double[] rmse, double persistence, int days) = ForecastEvaluator.CompareOnSameDays(models, data.Series, range);
            double? championRmse = champion is null ? null : rmse[1];
            string figures = string.Create(CultureInfo.InvariantCulture,
                $"on {days:N0} test days {range}: RMSE {rmse[0]:0.000}{(championRmse is double c ? $" against the champion's {c:0.000} (version {championVersion})" : "")} and persistence's {persistence:0.000}");
            bool beatsPersistence = rmse[0] < persistence;
            bool beatsChampion = championRmse is null || rmse[0] < championRmse;
            string reason = beatsPersistence && beatsChampion ? $"better {figures}"
                : !beatsPersistence ? $"not better than persistence {figures}"
                : $"not better than the champion {figures}";
            return new PromotionDecision(ForecasterPackage.Kind, version, beatsPersistence && beatsChampion, championVersion, rmse[0], championRmse, persistence, reason);
        }
        finally
        {
            candidate.Dispose();
            champion?.Dispose();
        }
    }

    private static PromotionDecision DecideClassifier(int version, string candidateDirectory, int? championVersion, string? championDirectory, int maxLength)
    {
        using CarColourModel candidate = ClassifierPackage.Load(candidateDirectory).Model;
        double candidateAccuracy = CarColourTrainer.EnumerationAccuracy(candidate, maxLength).Accuracy;
        double? championAccuracy = null;
        if (championDirectory is not null)
        {
            using CarColourModel champion = ClassifierPackage.Load(championDirectory).Model;
            championAccuracy = CarColourTrainer.EnumerationAccuracy(champion, maxLength).Accuracy;
        }

        bool promoted = championAccuracy is null || candidateAccuracy > championAccuracy;
        string figures = string.Create(CultureInfo.InvariantCulture,
            $"accuracy {candidateAccuracy:P3} on every single-car sequence of lengths 1..{maxLength}{(championAccuracy is double c ? $" against the champion's {c:P3} (version {championVersion})" : "")}");
        return new PromotionDecision(ClassifierPackage.Kind, version, promoted, championVersion, candidateAccuracy, championAccuracy, null,
            promoted ? $"better: {figures}" : $"not better than the champion: {figures}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} version {Version}: promoted {Promoted} (candidate {CandidateScore}, champion {ChampionScore}): {Reason}")]
    private partial void LogDecision(string model, int version, bool promoted, double candidateScore, double? championScore, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model} version {Version}: the champion changed meanwhile (attempt {Attempt}); deciding again")]
    private partial void LogLostRace(string model, int version, int attempt);

    /// <summary>A temporary folder for downloaded packages, deleted afterwards.</summary>
    private sealed class ScratchDirectory : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "sunspots-promotion-" + Guid.NewGuid().ToString("N"));

        public string For(int version) => Path.Combine(_root, version.ToString(CultureInfo.InvariantCulture));

        public void Dispose()
        {
            if (Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }
}
