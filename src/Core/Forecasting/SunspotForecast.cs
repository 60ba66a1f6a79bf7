using SunspotForecaster.Core.Data;

namespace SunspotForecaster.Core.Forecasting;

/// <summary>
/// A multi-day forecast as the API answers it and the CLI prints it: the model that made it (none in
/// a fallback), the day it starts from, the days, and SILSO's credit. A fallback is persistence,
/// flagged with the reason no model could answer.
/// </summary>
public sealed record SunspotForecast(ModelSummary? Model, LastObservation LastObservation, IReadOnlyList<ForecastDay> Forecasts, string Source, bool Fallback, string? Reason)
{
    public const string Attribution = "Source: WDC-SILSO, Royal Observatory of Belgium, Brussels";

    /// <summary>Forecasts the <paramref name="days"/> days after the last day of <paramref name="series"/>.</summary>
    /// <exception cref="ArgumentException">The series ends with fewer observed days than the model's window, or days is outside 1..30.</exception>
    public static SunspotForecast FromSeries(ForecastModel model, ModelSummary summary, SunspotSeries series, int days)
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
        return FromHistory(model, summary, values, observation, days);
    }

    /// <summary>Forecasts from the caller's own recent values (oldest first), dated from <paramref name="lastObservation"/>.</summary>
    public static SunspotForecast FromHistory(ForecastModel model, ModelSummary summary, ReadOnlySpan<float> history, LastObservation lastObservation, int days)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lastObservation);
        return new SunspotForecast(summary, lastObservation, model.Forecast(history, lastObservation.Date, days), Attribution, Fallback: false, Reason: null);
    }

    /// <summary>Tomorrow = today for every day, when no model can be used.</summary>
    public static SunspotForecast Persistence(LastObservation last, int days, string reason)
    {
        ArgumentNullException.ThrowIfNull(last);
        return new SunspotForecast(
            null,
            last,
            Enumerable.Range(1, days).Select(lead => new ForecastDay(last.Date.AddDays(lead), lead, last.Value, null, null, null)).ToArray(),
            Attribution,
            Fallback: true,
            Reason: reason);
    }
}
