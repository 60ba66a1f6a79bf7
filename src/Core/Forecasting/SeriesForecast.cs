using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Packaging;

namespace SunspotForecaster.Core.Forecasting;

/// <summary>The day a forecast starts from.</summary>
public sealed record LastObservation(DateOnly Date, float Value, bool Provisional);

/// <summary>One forecast day as the API and the CLI show it.</summary>
public sealed record DatedForecast(DateOnly Date, float Value, float Lower, float Upper, double IntervalLevel);

/// <summary>Which model answered.</summary>
public sealed record ModelSummary(string Name, int? Version, DateTimeOffset TrainedAt, double TestRmse, string? DataSha256, string CodeVersion);

/// <summary>A multi-day forecast from the end of a series, with the model that made it and SILSO's credit.</summary>
public sealed record SeriesForecast(ModelSummary Model, LastObservation LastObservation, IReadOnlyList<DatedForecast> Forecasts, string Source)
{
    public const string Attribution = "Source: WDC-SILSO, Royal Observatory of Belgium, Brussels";

    /// <summary>Forecasts the <paramref name="days"/> days after the last day of <paramref name="series"/>.</summary>
    /// <exception cref="ArgumentException">The series ends with fewer observed days than the model's window, or days is outside 1..30.</exception>
    public static SeriesForecast FromSeries(ForecastModel model, ModelManifest manifest, SunspotSeries series, int days, int? version = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(series);
        ReadOnlySpan<float> values = series.Values;
        if (series.Count < model.Window)
        {
            throw new ArgumentException($"The model needs the last {model.Window} days; the data hold {series.Count}.");
        }

        for (int i = series.Count - model.Window; i < series.Count; i++)
        {
            if (float.IsNaN(values[i]))
            {
                throw new ArgumentException($"The last {model.Window} days must all have observations; {series.DateAt(i):yyyy-MM-dd} has none.");
            }
        }

        int last = series.Count - 1;
        var observation = new LastObservation(series.LastDate, values[last], series.Provisional[last]);
        return FromHistory(model, manifest, values, observation, days, version);
    }

    /// <summary>Forecasts from the caller's own recent values (oldest first), dated from <paramref name="lastObservation"/>.</summary>
    public static SeriesForecast FromHistory(ForecastModel model, ModelManifest manifest, ReadOnlySpan<float> history, LastObservation lastObservation, int days, int? version = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(manifest);
        IReadOnlyList<DayForecast> forecasts = model.Forecast(history, days);
        double level = model.Intervals?.Level ?? 0;
        return new SeriesForecast(
            new ModelSummary(manifest.Kind, version, manifest.CreatedAt, manifest.Forecaster?.Metrics.Test.Rmse ?? double.NaN, manifest.DataSha256, manifest.CodeVersion),
            lastObservation,
            forecasts.Select(f => new DatedForecast(lastObservation.Date.AddDays(f.Horizon), f.Value, f.Lower, f.Upper, level)).ToArray(),
            Attribution);
    }
}
