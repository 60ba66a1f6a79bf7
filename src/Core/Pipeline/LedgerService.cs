using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// Closes the loop: once a day the forecasts <c>GET /api/forecast?days=30</c> answers are recorded
/// with both baselines; each target is scored when its value arrives (the estimate, then the
/// provisional value, then the definitive one) and scored again when a better kind arrives; live
/// skill is computed from the scored rows; and a champion that loses to persistence at leads 1–7,
/// by a margin that is not noise, is demoted.
/// </summary>
public sealed partial class LedgerService(
    ForecastLedger ledger,
    ForecastService forecasts,
    ObservationsService observations,
    ModelAliases aliases,
    ModelRegistry registry,
    IOptions<LedgerOptions> options,
    TimeProvider clock,
    ILogger<LedgerService> logger)
{
    /// <summary>Rows are scored again while their target can still change: provisional values turn definitive about three months on.</summary>
    public const int ScoringHorizonDays = ForecastModel.MaxDays + 150;

    private static readonly string Model = ModelKind.Sunspots.Name;

    /// <summary>The daily pass, run after every ingest: recording is once a day whoever runs it; scoring and the demotion test are idempotent.</summary>
    public async Task<LedgerCycle> RunAsync(CancellationToken cancellationToken)
    {
        (bool recorded, string? why) = await RecordTodayAsync(cancellationToken).ConfigureAwait(false);
        int scored = await ScoreAsync(cancellationToken).ConfigureAwait(false);
        Demotion? demotion = await DemoteIfLosingAsync(cancellationToken).ConfigureAwait(false);
        return new LedgerCycle(recorded, why, scored, demotion);
    }

    /// <summary>Records today's forecasts (UTC), unless they are recorded already; false with the reason when nothing was recorded.</summary>
    public async Task<(bool Recorded, string? Reason)> RecordTodayAsync(CancellationToken cancellationToken)
    {
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await ledger.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (await ledger.HasDayAsync(today, cancellationToken).ConfigureAwait(false))
        {
            return (false, $"the forecasts of {today:yyyy-MM-dd} are recorded already");
        }

        SunspotForecast forecast;
        ObservedSeries series;
        try
        {
            forecast = await forecasts.FromLatestDataAsync(ForecastModel.MaxDays, cancellationToken).ConfigureAwait(false);
            series = (await observations.CurrentAsync(cancellationToken).ConfigureAwait(false)).Series;
        }
        catch (Exception e) when (e is NotReadyException or DataTooOldException)
        {
            LogNotRecorded(today, e.Message);
            return (false, e.Message);
        }

        LastObservation last = forecast.LastObservation;
        float rotation = SunspotForecast.RotationMeanOf(series);
        int version = forecast.Model?.Version ?? 0;
        LedgerEntry[] entries = [.. forecast.Forecasts.Select(f => new LedgerEntry(
            today, f.Date, f.Lead, Model, version, f.Value, f.Lower, f.Upper, f.IntervalLevel, f.Method, last.Date, last.Kind, last.Value, rotation, Quantiles: f.Quantiles))];
        bool written = await ledger.TryRecordDayAsync(entries, cancellationToken).ConfigureAwait(false);
        if (written)
        {
            LogRecorded(today, entries.Length, version);
        }

        return written ? (true, null) : (false, $"the forecasts of {today:yyyy-MM-dd} were recorded by another instance");
    }

    /// <summary>Scores every row whose target has a value now, or a better kind of value than it was scored with; returns how many rows it wrote.</summary>
    public async Task<int> ScoreAsync(CancellationToken cancellationToken)
    {
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        ObservedSeries series;
        try
        {
            series = (await observations.CurrentAsync(cancellationToken).ConfigureAwait(false)).Series;
        }
        catch (NotReadyException)
        {
            return 0;
        }

        int written = 0;
        foreach ((LedgerEntry row, Azure.ETag etag) in await ledger.ReadAsync(today.AddDays(-ScoringHorizonDays), today, cancellationToken).ConfigureAwait(false))
        {
            int index = series.IndexOf(row.TargetDate);
            if (index < 0 || index >= series.Count || !float.IsFinite(series.Values[index]))
            {
                continue;
            }

            float observed = series.Values[index];
            ObservationKind kind = series.KindAt(index);
            if (row.ObservedKind is ObservationKind before && (Finality(kind) < Finality(before) || (kind == before && row.Observed == observed)))
            {
                continue; // as good as it gets for now
            }

            if (row.ObservedKind == ObservationKind.Definitive && kind == ObservationKind.Definitive)
            {
                LogDefinitiveRevised(row.TargetDate, row.Observed!.Value, observed);
            }

            if (await ledger.TryScoreAsync(row, etag, observed, kind, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false))
            {
                written++;
            }
        }

        return written;
    }

    /// <summary>Live skill over the rolling window of issue days.</summary>
    public async Task<LiveSkillReport> SkillAsync(CancellationToken cancellationToken)
    {
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        DateOnly from = today.AddDays(-options.Value.WindowDays);
        IReadOnlyList<ScoredForecast> scored = await ScoredAsync(from, today, cancellationToken).ConfigureAwait(false);
        Champion? champion = await aliases.GetChampionAsync(Model, cancellationToken).ConfigureAwait(false);
        DemotionTest? test = champion is { IsBaseline: false } ? LiveSkill.AgainstPersistence(SinceItsPromotion(scored, champion)) : null;
        return new LiveSkillReport(Model, from, today, options.Value.WindowDays, champion is { IsBaseline: false } ? champion.Version : null, LiveSkill.Lines(scored), test);
    }

    /// <summary>
    /// Demotes the champion when, on its forecasts of the window issued since its promotion, it loses
    /// to persistence at leads 1–7 by a margin that is not noise. The earlier champion with the best
    /// live record that does beat persistence takes over; without one, the better baseline answers,
    /// flagged as a fallback. A demoted version comes back only by a promotion by hand or a new
    /// training that passes the gate.
    /// </summary>
    public async Task<Demotion?> DemoteIfLosingAsync(CancellationToken cancellationToken)
    {
        await RepairDemotionsAsync(cancellationToken).ConfigureAwait(false);
        Champion? champion = await aliases.GetChampionAsync(Model, cancellationToken).ConfigureAwait(false);
        if (champion is null || champion.IsBaseline)
        {
            return null;
        }

        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        IReadOnlyList<ScoredForecast> window = await ScoredAsync(today.AddDays(-options.Value.WindowDays), today, cancellationToken).ConfigureAwait(false);
        if (LiveSkill.AgainstPersistence(SinceItsPromotion(window, champion)) is not { } test || !test.Demotes(options.Value.DemotionMinCount))
        {
            return null;
        }

        string figures = string.Create(CultureInfo.InvariantCulture,
            $"live RMSE at leads 1-7 {test.ModelRmse:0.00} against persistence's {test.PersistenceRmse:0.00} on the same {test.Count} forecasts of {test.Days} issue days (Diebold-Mariano {test.Statistic:0.00}, p = {test.PValue:0.0000})");
        (int? to, ForecastMethod? baseline) = await SuccessorAsync(champion, cancellationToken).ConfigureAwait(false);
        string reason = to is int successor
            ? $"version {champion.Version} demoted, {figures}; version {successor}, an earlier champion with a better live record, serves again"
            : $"version {champion.Version} demoted, {figures}; no earlier champion has a better live record, so {(baseline == ForecastMethod.RotationMean ? "the 27-day mean" : "persistence")} answers";
        var demotion = new Demotion(Model, clock.GetUtcNow(), champion.Version, to, to is null ? baseline : null, test.ModelRmse, test.PersistenceRmse, test.Count, test.Days, test.Statistic, test.PValue, reason);
        if (!await aliases.TryDemoteAsync(demotion, champion, cancellationToken).ConfigureAwait(false))
        {
            return null; // another instance changed the champion meanwhile; the next pass decides again
        }

        await registry.ApplyDemotionAsync(demotion, cancellationToken).ConfigureAwait(false);
        LogDemoted(champion.Version, reason);
        return demotion;
    }

    // The alias and the demotion's record change in one transaction, the version's row after it:
    // a pass that stopped in between (a crash, a storage error) left a version demoted in the alias
    // but "promoted" in the registry, which a later demotion could choose again. Every pass repairs that first.
    private async Task RepairDemotionsAsync(CancellationToken cancellationToken)
    {
        foreach (Demotion demotion in await aliases.ListDemotionsAsync(Model, cancellationToken).ConfigureAwait(false))
        {
            if (await registry.ApplyDemotionAsync(demotion, cancellationToken).ConfigureAwait(false))
            {
                LogRepaired(demotion.FromVersion);
            }
        }
    }

    // The earlier champion (promoted once, never demoted) whose own live record beats persistence
    // with the lowest RMSE; else the better baseline on the demoted champion's forecasts.
    private async Task<(int? Version, ForecastMethod? Baseline)> SuccessorAsync(Champion champion, CancellationToken cancellationToken)
    {
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        IReadOnlyList<ScoredForecast> history = await ScoredAsync(today.AddDays(-ScoringHorizonDays), today, cancellationToken).ConfigureAwait(false);
        var candidates = new List<(int Version, double Rmse)>();
        foreach (ModelVersion earlier in await registry.ListAsync(Model, cancellationToken).ConfigureAwait(false))
        {
            if (earlier.Version == champion.Version || earlier.Status != ModelRegistry.StatusPromoted)
            {
                continue;
            }

            if (LiveSkill.AgainstPersistence(history.Where(s => s.Version == earlier.Version)) is { } record
                && record.Count >= options.Value.DemotionMinCount && record.ModelRmse < record.PersistenceRmse)
            {
                candidates.Add((earlier.Version, record.ModelRmse));
            }
        }

        // The best record that still loads: a successor that cannot serve would only hand the answers to the fallback.
        foreach ((int version, double _) in candidates.OrderBy(c => c.Rmse))
        {
            if (await LoadsAsync(version, cancellationToken).ConfigureAwait(false))
            {
                return (version, null);
            }
        }

        ScoredForecast[] lost = [.. SinceItsPromotion(history, champion).Where(s => s.Lead <= LiveSkill.DemotionLastLead)];
        double persistence = lost.Average(s => (s.Observed - s.Persistence) * (double)(s.Observed - s.Persistence));
        double rotation = lost.Average(s => (s.Observed - s.RotationMean) * (double)(s.Observed - s.RotationMean));
        return (null, rotation < persistence ? ForecastMethod.RotationMean : ForecastMethod.Persistence);
    }

    private async Task<bool> LoadsAsync(int version, CancellationToken cancellationToken)
    {
        try
        {
            (ModelVersion _, PackageFiles files) = await registry.DownloadAsync(Model, version, cancellationToken).ConfigureAwait(false);
            (ForecastModel model, ModelManifest _) = ForecasterPackage.Load(files, ModelRegistry.Origin(Model, version));
            model.Dispose();
            return true;
        }
        catch (Exception e) when (e is ModelPackageException or Azure.RequestFailedException or KeyNotFoundException)
        {
            LogSuccessorUnloadable(version, e.Message);
            return false;
        }
    }

    // Estimate, then provisional, then definitive: a row is scored again only with a value at least as final.
    private static int Finality(ObservationKind kind) => kind switch
    {
        ObservationKind.Estimate => 0,
        ObservationKind.Provisional => 1,
        _ => 2,
    };

    private static IEnumerable<ScoredForecast> SinceItsPromotion(IEnumerable<ScoredForecast> scored, Champion champion)
    {
        DateOnly promoted = DateOnly.FromDateTime(champion.PromotedAt.UtcDateTime);
        return scored.Where(s => s.Version == champion.Version && s.IssueDate >= promoted);
    }

    private async Task<IReadOnlyList<ScoredForecast>> ScoredAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        [.. (await ledger.ReadAsync(from, to, cancellationToken).ConfigureAwait(false))
            .Select(r => r.Entry)
            .Where(e => e.Observed is not null)
            .Select(e => new ScoredForecast(e.IssueDate, e.Lead, e.Version, e.Value, e.Lower, e.Upper, e.Persistence, e.RotationMean, e.Observed!.Value, e.Quantiles))];

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger: recorded the {Count} forecasts of {IssueDate} (version {Version})")]
    private partial void LogRecorded(DateOnly issueDate, int count, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger: nothing recorded for {IssueDate}: {Reason}")]
    private partial void LogNotRecorded(DateOnly issueDate, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger: the definitive value of {TargetDate} was revised from {Before} to {After}; its forecasts are scored again")]
    private partial void LogDefinitiveRevised(DateOnly targetDate, float before, float after);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Champion sunspots version {Version} demoted: {Reason}")]
    private partial void LogDemoted(int version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Version {Version}, demoted in the alias, was still marked promoted in the registry; marked demoted now")]
    private partial void LogRepaired(int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Version {Version} has the best live record but cannot be loaded, so it does not take over: {Problem}")]
    private partial void LogSuccessorUnloadable(int version, string problem);
}
