using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Serving;

/// <summary>
/// Forecasts for the API, for the days from tomorrow (UTC): from the current data — the daily file
/// then the EISN estimates after it, kept in memory until either changes or the day turns — or
/// from the caller's own history, with the cached champion; or, when the champion cannot answer,
/// persistence flagged as a fallback with the reason.
/// </summary>
public sealed class ForecastService(ChampionCache champions, ObservationsService observations, TimeProvider clock)
{
    /// <exception cref="NotReadyException">No data or no model yet.</exception>
    /// <exception cref="DataTooOldException">The newest observation is too old for the days asked.</exception>
    public async Task<SunspotForecast> FromLatestDataAsync(int days, CancellationToken cancellationToken)
    {
        DateTimeOffset issuedAt = clock.GetUtcNow();
        ObservedSeries series = (await observations.CurrentAsync(cancellationToken).ConfigureAwait(false)).Series;
        LastObservation last = SunspotForecast.LastObservationOf(series)
            ?? throw new NotReadyException("The current SIDC file holds no day with an observation.");
        using ChampionHandle<ForecastModel> champion = await champions.AcquireForecasterAsync(cancellationToken).ConfigureAwait(false);
        if (champion.Served is { } served)
        {
            try
            {
                return SunspotForecast.FromObservations(served.Model, ModelSummary.Of(served.Manifest, served.Version), series, issuedAt, days);
            }
            catch (ArgumentException e)
            {
                return SunspotForecast.Persistence(last, issuedAt, days, $"the champion cannot forecast from these data: {e.Message}");
            }
        }

        return champion.Exists
            ? SunspotForecast.Baseline(champion.Baseline ?? ForecastMethod.Persistence, last, SunspotForecast.RotationMeanOf(series), issuedAt, days, champion.Problem ?? "the champion cannot be loaded")
            : throw new NotReadyException("No sunspot model has been trained yet.");
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

        if (history.Length == 0 || !float.IsFinite(history[^1]) || history[^1] < 0)
        {
            throw new ArgumentException("history must end with a sunspot number (finite, not negative).", nameof(history));
        }

        return SunspotForecast.Baseline(champion.Baseline ?? ForecastMethod.Persistence, lastObservation, ForecastModel.RotationMean(history), issuedAt, days, champion.Problem ?? "the champion cannot be loaded");
    }
}
