using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Core.Serving;

/// <summary>
/// Forecasts for the API, for the days from tomorrow (UTC): from the current data — the daily file
/// then the EISN estimates after it, kept in memory until either changes or the day turns — or
/// from the caller's own history, with the cached champion; or, when the champion cannot answer,
/// persistence flagged as a fallback with the reason.
/// </summary>
public sealed class ForecastService(ChampionCache champions, ObservationsService observations, IOptions<ServingOptions> options, TimeProvider clock)
{
    // The answer from the current data changes only with the data, the champion or the day: it is
    // computed once per state and days asked, and served from memory until the state changes.
    private volatile Latest? _latest;

    /// <exception cref="NotReadyException">No data or no model yet.</exception>
    /// <exception cref="DataTooOldException">The newest observation is too old for the days asked.</exception>
    public async Task<SunspotForecast> FromLatestDataAsync(int days, CancellationToken cancellationToken) =>
        (await LatestAsync(days, cancellationToken).ConfigureAwait(false)).Forecast;

    /// <summary>The forecast from the current data with the days it starts from, the model's manifest, and a tag and cache lifetime for HTTP caches.</summary>
    /// <exception cref="NotReadyException">No data or no model yet.</exception>
    /// <exception cref="DataTooOldException">The newest observation is too old for the days asked.</exception>
    public async Task<ForecastView> LatestAsync(int days, CancellationToken cancellationToken)
    {
        if (days is < 1 or > ForecastModel.MaxDays)
        {
            throw new ArgumentException($"days must be between 1 and {ForecastModel.MaxDays}; it is {days}.", nameof(days));
        }

        CurrentObservations current = await observations.CurrentAsync(cancellationToken).ConfigureAwait(false);
        using ChampionHandle<ForecastModel> champion = await champions.AcquireForecasterAsync(cancellationToken).ConfigureAwait(false);
        Latest? latest = _latest;
        if (latest is null || !latest.IsFor(current, champion))
        {
            latest = new Latest(current, champion.Served, champion.Exists, champion.Problem, champion.Baseline, StateTag(current, champion));
            _latest = latest;
        }

        ForecastView view = latest.ByDays[days] ??= Compute(current, champion, days, latest.Tag);
        return view with { MaxAgeSeconds = MaxAgeSeconds() };
    }

    private ForecastView Compute(CurrentObservations current, ChampionHandle<ForecastModel> champion, int days, string tag)
    {
        DateTimeOffset issuedAt = clock.GetUtcNow();
        ObservedSeries series = current.Series;
        LastObservation last = SunspotForecast.LastObservationOf(series)
            ?? throw new NotReadyException("The current SIDC file holds no day with an observation.");
        if (champion.Served is { } served)
        {
            try
            {
                return new ForecastView(SunspotForecast.FromObservations(served.Model, ModelSummary.Of(served.Manifest, served.Version), series, issuedAt, days), series, served.Manifest, tag);
            }
            catch (ArgumentException e)
            {
                return new ForecastView(SunspotForecast.Persistence(last, issuedAt, days, $"the champion cannot forecast from these data: {e.Message}"), series, null, tag);
            }
        }

        return champion.Exists
            ? new ForecastView(SunspotForecast.Baseline(champion.Baseline ?? ForecastMethod.Persistence, last, SunspotForecast.RotationMeanOf(series), issuedAt, days, champion.Problem ?? "the champion cannot be loaded"), series, null, tag)
            : throw new NotReadyException("No sunspot model has been trained yet.");
    }

    // A cache may keep an answer as long as this instance would: until it next looks at the data
    // and the champion, and never past the turn of the UTC day.
    private int MaxAgeSeconds()
    {
        DateTimeOffset now = clock.GetUtcNow();
        var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        return (int)Math.Max(0, Math.Min(options.Value.ChampionRefreshSeconds, Math.Floor((midnight - now).TotalSeconds)));
    }

    private static string StateTag(CurrentObservations current, ChampionHandle<ForecastModel> champion)
    {
        string state = string.Join('|', current.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), current.File.Sha256, current.Eisn?.Sha256,
            champion.Served?.Version, champion.Exists, champion.Problem, champion.Baseline);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(state)))[..16];
    }

    private sealed class Latest(CurrentObservations observations, ServedModel<ForecastModel>? served, bool exists, string? problem, ForecastMethod? baseline, string tag)
    {
        public string Tag { get; } = tag;

        public ForecastView?[] ByDays { get; } = new ForecastView?[ForecastModel.MaxDays + 1];

        public bool IsFor(CurrentObservations current, ChampionHandle<ForecastModel> champion) =>
            ReferenceEquals(current, observations) && ReferenceEquals(champion.Served, served) && champion.Exists == exists && champion.Problem == problem && champion.Baseline == baseline;
    }

    /// <summary>Forecasts after the caller's values (oldest first), the last on <paramref name="lastDate"/> (default: yesterday, UTC), for the days from tomorrow.</summary>
    /// <exception cref="ArgumentException">The history is too short or holds an impossible value, or <paramref name="lastDate"/> lies in the future (the exception names the parameter).</exception>
    /// <exception cref="DataTooOldException"><paramref name="lastDate"/> is too long ago for the days asked.</exception>
    public async Task<SunspotForecast> FromHistoryAsync(float[] history, int days, DateOnly? lastDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        DateTimeOffset issuedAt = clock.GetUtcNow();
        DateOnly today = SunspotForecast.IssueDay(issuedAt);
        DateOnly date = lastDate ?? today.AddDays(-1);
        if (date > today)
        {
            throw new ArgumentException($"{date:yyyy-MM-dd} lies after today ({today:yyyy-MM-dd}, UTC); the last value of a history cannot be from the future.", nameof(lastDate));
        }

        var lastObservation = new LastObservation(date, history.Length > 0 ? history[^1] : float.NaN, Kind: null);
        using ChampionHandle<ForecastModel> champion = await champions.AcquireForecasterAsync(cancellationToken).ConfigureAwait(false);
        if (champion.Served is { } served)
        {
            return SunspotForecast.FromHistory(served.Model, ModelSummary.Of(served.Manifest, served.Version), history, lastObservation, issuedAt, days);
        }

        if (!champion.Exists)
        {
            throw new NotReadyException("No sunspot model has been trained yet.");
        }

        if (history.Length == 0 || !float.IsFinite(history[^1]) || history[^1] < 0 || history[^1] > SidcParser.MaxDailyValue)
        {
            throw new ArgumentException($"history must end with a sunspot number (finite, not negative, at most {SidcParser.MaxDailyValue}).", nameof(history));
        }

        return SunspotForecast.Baseline(champion.Baseline ?? ForecastMethod.Persistence, lastObservation, ForecastModel.RotationMean(history), issuedAt, days, champion.Problem ?? "the champion cannot be loaded");
    }
}
