using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Serving;

/// <summary>
/// Forecasts for the API: from the current SIDC file (kept in memory until <c>latest.json</c>
/// changes) or from the caller's own history, with the cached champion — or, when the champion
/// cannot be loaded, persistence flagged as a fallback with the reason.
/// </summary>
public sealed class ForecastService(ChampionCache champions, RawDataStore rawData, IOptions<ServingOptions> options, TimeProvider clock)
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile DataSnapshot? _data;

    /// <summary>
    /// Forecasts the <paramref name="days"/> days after the last observed day of the current file.
    /// When no model can answer — the champion cannot be loaded, or the data do not give it the days
    /// it needs — persistence answers, flagged as a fallback with the reason.
    /// </summary>
    /// <exception cref="NotReadyException">No data or no model yet.</exception>
    public async Task<SunspotForecast> FromLatestDataAsync(int days, CancellationToken cancellationToken)
    {
        SunspotSeries series = await LatestSeriesAsync(cancellationToken).ConfigureAwait(false);
        LastObservation lastObservation = SunspotForecast.LastObservationOf(series)
            ?? throw new NotReadyException("The current SIDC file holds no day with an observation.");
        using ChampionHandle<ForecastModel> champion = await champions.AcquireForecasterAsync(cancellationToken).ConfigureAwait(false);
        if (champion.Served is { } served)
        {
            try
            {
                return SunspotForecast.FromSeries(served.Model, ModelSummary.Of(served.Manifest, served.Version), series, days);
            }
            catch (ArgumentException e)
            {
                return SunspotForecast.Persistence(lastObservation, days, $"the champion cannot forecast from these data: {e.Message}");
            }
        }

        return champion.Exists
            ? SunspotForecast.Persistence(lastObservation, days, champion.Problem ?? "the champion cannot be loaded")
            : throw new NotReadyException("No sunspot model has been trained yet.");
    }

    /// <summary>Forecasts after the caller's values (oldest first), dated from <paramref name="lastDate"/> (default: yesterday, UTC).</summary>
    /// <exception cref="ArgumentException">The history is too short or holds an impossible value, or <paramref name="lastDate"/> lies in the future (the exception names the parameter).</exception>
    public async Task<SunspotForecast> FromHistoryAsync(float[] history, int days, DateOnly? lastDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(history);
        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        DateOnly date = lastDate ?? today.AddDays(-1);
        if (date > today)
        {
            throw new ArgumentException($"{date:yyyy-MM-dd} lies after today ({today:yyyy-MM-dd}, UTC); the last value of a history cannot be from the future.", nameof(lastDate));
        }

        var lastObservation = new LastObservation(date, history.Length > 0 ? history[^1] : float.NaN, Provisional: false);
        using ChampionHandle<ForecastModel> champion = await champions.AcquireForecasterAsync(cancellationToken).ConfigureAwait(false);
        if (champion.Served is { } served)
        {
            return SunspotForecast.FromHistory(served.Model, ModelSummary.Of(served.Manifest, served.Version), history, lastObservation, days);
        }

        if (!champion.Exists)
        {
            throw new NotReadyException("No sunspot model has been trained yet.");
        }

        if (history.Length == 0 || !float.IsFinite(history[^1]) || history[^1] < 0)
        {
            throw new ArgumentException("history must end with a sunspot number (finite, not negative).");
        }

        return SunspotForecast.Persistence(lastObservation, days, champion.Problem ?? "the champion cannot be loaded");
    }

    private async Task<SunspotSeries> LatestSeriesAsync(CancellationToken cancellationToken)
    {
        DataSnapshot? current = _data;
        if (current is not null && clock.GetUtcNow() - current.CheckedAt < TimeSpan.FromSeconds(options.Value.ChampionRefreshSeconds))
        {
            return current.Series;
        }

        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            (LatestPointer Pointer, Azure.ETag ETag)? latest = await rawData.GetLatestAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new NotReadyException("No SIDC data has been ingested yet.");
            SunspotSeries series = current?.Sha256 == latest.Value.Pointer.Sha256
                ? current.Series
                : (await rawData.DownloadAsync(latest.Value.Pointer.BlobName, cancellationToken).ConfigureAwait(false)).Series;
            _data = new DataSnapshot(latest.Value.Pointer.Sha256, series, clock.GetUtcNow());
            return series;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private sealed record DataSnapshot(string Sha256, SunspotSeries Series, DateTimeOffset CheckedAt);
}
