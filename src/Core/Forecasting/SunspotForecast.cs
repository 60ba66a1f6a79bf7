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

    /// <summary>
    /// Forecasts the <paramref name="days"/> days after the last observed day of
    /// <paramref name="series"/>; a day without observation inside the model's window is forecast
    /// through (see <see cref="ForecastModel.WindowEndingAt"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The series has too few observed days for the model, or days is outside 1..30.</exception>
    public static SunspotForecast FromSeries(ForecastModel model, ModelSummary summary, SunspotSeries series, int days)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(series);
        LastObservation last = LastObservationOf(series)
            ?? throw new ArgumentException("The data hold no day with an observation.");
        float[] window = model.WindowEndingAt(series.Values, series.IndexOf(last.Date));
        return FromHistory(model, summary, window, last, days);
    }

    /// <summary>The last day of <paramref name="series"/> that has an observation, or null when none has.</summary>
    public static LastObservation? LastObservationOf(SunspotSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        ReadOnlySpan<float> values = series.Values;
        for (int i = series.Count - 1; i >= 0; i--)
        {
            if (float.IsFinite(values[i]))
            {
                return new LastObservation(series.DateAt(i), values[i], series.Provisional[i]);
            }
        }

        return null;
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
