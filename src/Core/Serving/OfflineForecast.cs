using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;

namespace SunspotForecaster.Core.Serving;

/// <summary>
/// The API's forecast from files instead of storage, for <c>sunspots forecast</c>: a model package,
/// the daily file and, optionally, an EISN file; issued on a chosen day. With the days it started
/// from, for the chart.
/// </summary>
public static class OfflineForecast
{
    /// <param name="today">The issue day: the forecast starts the day after; EISN rows from this day on are ignored.</param>
    /// <exception cref="DataTooOldException">The newest observation is too old for the days asked.</exception>
    public static async Task<ForecastView> FromFilesAsync(string modelDirectory, string data, string? eisn, DateOnly today, int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The package and the daily file are read at once: each is a good part of a new process's
        // time to its first answer, and neither needs the other.
        Task<SidcFile> reading = Task.Run(() => SidcSource.LoadAsync(data, cancellationToken: cancellationToken), cancellationToken);
        ForecastModel model;
        ModelManifest manifest;
        try
        {
            (model, manifest) = ForecasterPackage.Load(modelDirectory);
        }
        catch
        {
            await reading.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false); // observed, its error dropped: the package's is reported
            throw;
        }

        using (model)
        {
            SidcFile file = await reading.ConfigureAwait(false);
            // Validated against the real day (no row from the future); rows from the issue day on are
            // then left out by the combination.
            EisnFile? estimates = eisn is null ? null : await EisnSource.LoadAsync(eisn, DateOnly.FromDateTime(now.UtcDateTime), cancellationToken).ConfigureAwait(false);
            ObservedSeries series = ObservedSeries.Combine(file.Series, estimates, new ServingOptions().EisnMinStations, today);
            DateTimeOffset issuedAt = DateOnly.FromDateTime(now.UtcDateTime) == today ? now : new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return new ForecastView(SunspotForecast.FromObservations(model, ModelSummary.Of(manifest, version: null), series, issuedAt, days), series, manifest);
        }
    }
}
