using SunspotForecaster.Models.Data;

namespace SunspotForecaster.Models.Forecasting;

/// <summary>
/// A forecast as the API answers it and the CLI prints it: issued on a day, for the days from the
/// day after; the model that made it (none in a fallback); the last observation it starts from and
/// how many days before the issue day that was (<see cref="GapDays"/>: the model rolls forward
/// through them); each day with its lead; and SILSO's credit. A fallback is persistence, flagged
/// with the reason no model could answer.
/// </summary>
public sealed record SunspotForecast(DateTimeOffset IssuedAt, ModelSummary? Model, LastObservation LastObservation, int GapDays, IReadOnlyList<ForecastDay> Forecasts, string Source, bool Fallback, string? Reason)
{
    public const string Attribution = "Source: WDC-SILSO, Royal Observatory of Belgium, Brussels";

    /// <summary>
    /// The <paramref name="days"/> days from the day after <paramref name="issuedAt"/> (UTC), from the
    /// last observed day of <paramref name="series"/>; days without an observation inside the model's
    /// window are forecast through (see <see cref="ForecastModel.WindowEndingAt"/>).
    /// </summary>
    /// <exception cref="DataTooOldException">A day asked lies more than 60 days after the last observation.</exception>
    /// <exception cref="ArgumentException">The data have too few observed days for the model.</exception>
    public static SunspotForecast FromObservations(ForecastModel model, ModelSummary summary, ObservedSeries series, DateTimeOffset issuedAt, int days)
    {
        ArgumentNullException.ThrowIfNull(model);
        LastObservation last = LastObservationOf(series) ?? throw new ArgumentException("The data hold no day with an observation.");
        (int firstLead, int lastLead) = Leads(last.Date, issuedAt, days, model.Leads);
        int end = series.IndexOf(last.Date);
        int read = model.HistoryDays;
        float[] window = model.HistoryEndingAt(series.Values, end, read);
        // The days the model reads (its window, or a linear lead's longer one), preceded by the
        // observed days the rotation mean needs.
        int from = Math.Max(0, end + 1 - Math.Max(read, ForecastModel.RotationDays));
        float[] history = [.. series.Values[from..(end + 1 - read)], .. window];
        return new SunspotForecast(issuedAt, summary, last, DaysBetween(last.Date, issuedAt), model.ForecastLeads(history, last.Date, firstLead, lastLead), Attribution, Fallback: false, Reason: null);
    }

    /// <summary>The days from the day after <paramref name="issuedAt"/>, after the caller's own values (oldest first), the last of them on <paramref name="lastObservation"/>'s date.</summary>
    /// <exception cref="DataTooOldException">A day asked lies more than 60 days after the last value.</exception>
    public static SunspotForecast FromHistory(ForecastModel model, ModelSummary summary, ReadOnlySpan<float> history, LastObservation lastObservation, DateTimeOffset issuedAt, int days)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(lastObservation);
        (int firstLead, int lastLead) = Leads(lastObservation.Date, issuedAt, days, model.Leads);
        return new SunspotForecast(issuedAt, summary, lastObservation, DaysBetween(lastObservation.Date, issuedAt),
            model.ForecastLeads(history, lastObservation.Date, firstLead, lastLead), Attribution, Fallback: false, Reason: null);
    }

    /// <summary>Persistence for the days from the day after <paramref name="issuedAt"/>, when no model can answer.</summary>
    /// <exception cref="DataTooOldException">A day asked lies more than 60 days after the last observation.</exception>
    public static SunspotForecast Persistence(LastObservation last, DateTimeOffset issuedAt, int days, string reason) =>
        Baseline(ForecastMethod.Persistence, last, rotationMean: float.NaN, issuedAt, days, reason);

    /// <summary>
    /// A baseline for the days from the day after <paramref name="issuedAt"/>, flagged as a fallback
    /// with <paramref name="reason"/>: persistence (the last observation) or the rotation mean.
    /// </summary>
    /// <exception cref="DataTooOldException">A day asked lies more than 60 days after the last observation.</exception>
    public static SunspotForecast Baseline(ForecastMethod baseline, LastObservation last, float rotationMean, DateTimeOffset issuedAt, int days, string reason)
    {
        ArgumentNullException.ThrowIfNull(last);
        (int firstLead, int lastLead) = Leads(last.Date, issuedAt, days, ForecastModel.MaxLead);
        (float value, ForecastMethod method) = baseline == ForecastMethod.RotationMean && float.IsFinite(rotationMean)
            ? (rotationMean, ForecastMethod.RotationMean)
            : (last.Value, ForecastMethod.Persistence);
        return new SunspotForecast(
            issuedAt,
            null,
            last,
            DaysBetween(last.Date, issuedAt),
            Enumerable.Range(firstLead, lastLead - firstLead + 1).Select(lead => new ForecastDay(last.Date.AddDays(lead), lead, value, null, null, null, method)).ToArray(),
            Attribution,
            Fallback: true,
            Reason: reason);
    }

    /// <summary>The mean of the observed days among the 27 up to the last observation of <paramref name="series"/>.</summary>
    public static float RotationMeanOf(ObservedSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        int end = series.LastObservedIndex;
        return end < 0 ? float.NaN : ForecastModel.RotationMean(series.Values[Math.Max(0, end - ForecastModel.RotationDays + 1)..(end + 1)]);
    }

    /// <summary>The last day of <paramref name="series"/> that has an observation, or null when none has.</summary>
    public static LastObservation? LastObservationOf(ObservedSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        int i = series.LastObservedIndex;
        return i < 0 ? null : new LastObservation(series.DateAt(i), series.Values[i], series.KindAt(i));
    }

    /// <summary>The UTC day a forecast issued at <paramref name="issuedAt"/> is issued on; its first day is the day after.</summary>
    public static DateOnly IssueDay(DateTimeOffset issuedAt) => DateOnly.FromDateTime(issuedAt.UtcDateTime);

    private static int DaysBetween(DateOnly lastDate, DateTimeOffset issuedAt) => IssueDay(issuedAt).DayNumber - lastDate.DayNumber;

    private static (int First, int Last) Leads(DateOnly lastDate, DateTimeOffset issuedAt, int days, int maxLead)
    {
        if (days is < 1 or > ForecastModel.MaxDays)
        {
            throw new ArgumentException($"days must be between 1 and {ForecastModel.MaxDays}; it is {days}.", nameof(days));
        }

        DateOnly today = IssueDay(issuedAt);
        if (lastDate > today)
        {
            throw new ArgumentException($"The last observation, {lastDate:yyyy-MM-dd}, lies after the issue day {today:yyyy-MM-dd} (UTC).", "lastDate");
        }

        int first = today.AddDays(1).DayNumber - lastDate.DayNumber;
        int last = first + days - 1;
        return last > maxLead ? throw new DataTooOldException(lastDate, today, last, maxLead) : (first, last);
    }
}
