using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// The service's daily loop over past days, in seconds: on each day d of a range it knows the file's
/// values through d only (they stand in for the daily estimate), issues the forecasts for d+1..d+30
/// with the code the service uses, scores each target the file holds (beside the baselines and the
/// model's linear forecast of the same lead), and applies the demotion rule to what was scored by
/// then over the rolling window.
/// </summary>
public static class Replay
{
    public const string Note = "On each day the file's values through that day stand in for the daily estimate (EISN); every target is scored with the file's value.";


    /// <exception cref="ArgumentException">The range lies outside the data.</exception>
    public static ReplayReport Run(ForecastModel model, ModelSummary summary, SunspotSeries file, DateOnly from, DateOnly to, int windowDays, int demotionMinCount)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(file);
        if (to < from)
        {
            throw new ArgumentException($"The replay range ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}); give --from before --to.");
        }

        if (from < file.FirstDate.AddDays(model.Window) || to > file.LastDate)
        {
            throw new ArgumentException($"The replay range {from:yyyy-MM-dd}..{to:yyyy-MM-dd} must lie within the data ({file.FirstDate.AddDays(model.Window):yyyy-MM-dd}..{file.LastDate:yyyy-MM-dd}).");
        }

        // Enough days before an issue day for the days the model reads, the rotation mean and a gap to roll through.
        int historyDays = ForecastModel.MaxGapLookback + Math.Max(model.HistoryDays, ForecastModel.RotationDays) + 100;
        var scored = new List<(DateOnly Target, ScoredForecast Forecast)>();
        var linearScored = new List<(int Lead, float Value, float Observed)>();
        var demotions = new List<ReplayDemotion>();
        for (DateOnly day = from; day <= to; day = day.AddDays(1))
        {
            ObservedSeries known = ObservedSeries.Combine(Through(file, day, historyDays), null, 1, day);
            if (SunspotForecast.LastObservationOf(known) is not { } last)
            {
                continue;
            }

            SunspotForecast forecast = SunspotForecast.FromObservations(model, summary, known, new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), ForecastModel.MaxDays);
            float rotation = SunspotForecast.RotationMeanOf(known);
            float[]? linearHistory = model.Linear is { } linear ? model.HistoryEndingAt(known.Values, known.IndexOf(last.Date), Math.Max(linear.Days, model.Window)) : null;
            foreach (ForecastDay target in forecast.Forecasts)
            {
                if (target.Date <= file.LastDate && file.Values[file.IndexOf(target.Date)] is float observed && float.IsFinite(observed))
                {
                    scored.Add((target.Date, new ScoredForecast(day, target.Lead, summary.Version ?? 1, target.Value, target.Lower, target.Upper, last.Value, rotation, observed, target.Quantiles)));
                    if (linearHistory is not null)
                    {
                        linearScored.Add((target.Lead, MathF.Max(0, model.Linear!.Predict(linearHistory, target.Lead)), observed));
                    }
                }
            }

            if (demotions.Count == 0)
            {
                DateOnly windowStart = day.AddDays(-windowDays);
                if (LiveSkill.AgainstPersistence(scored.Where(s => s.Target <= day && s.Forecast.IssueDate >= windowStart).Select(s => s.Forecast)) is { } test
                    && test.Demotes(demotionMinCount))
                {
                    demotions.Add(new ReplayDemotion(day, test));
                }
            }
        }

        ReplayLead[] byLead = [.. Enumerable.Range(1, ForecastModel.MaxDays).Select(lead =>
        {
            ScoredForecast[] at = [.. scored.Select(s => s.Forecast).Where(s => s.Lead == lead)];
            ScoredForecast[] withInterval = [.. at.Where(s => s.Lower is not null)];
            QuantileScores? served = QuantileScores.Of(at.Where(s => s.Quantiles is not null).Select(s => (s.Quantiles!, s.Observed)));
            QuantileScores? persistence = model.Baselines is { } b ? QuantileScores.Of(b.Persistence, lead, at.Select(s => (s.Persistence, s.Observed))) : null;
            QuantileScores? rotation = model.Baselines is { } r ? QuantileScores.Of(r.RotationMean, lead, at.Select(s => (s.RotationMean, s.Observed))) : null;
            return new ReplayLead(
                lead,
                at.Length,
                Rmse(at, s => s.Value),
                Rmse(at, s => s.Persistence),
                Rmse(at, s => s.RotationMean),
                withInterval.Length == 0 ? null : withInterval.Count(s => s.Observed >= s.Lower && s.Observed <= s.Upper) / (double)withInterval.Length,
                LinearRmse(linearScored, lead)).With<ReplayLead>(served, persistence, rotation);
        })];
        return new ReplayReport(from, to, to.DayNumber - from.DayNumber + 1, Note, byLead, demotions);
    }

    /// <summary>The days of <paramref name="file"/> up to <paramref name="day"/>, from as far back as a forecast needs.</summary>
    private static SunspotSeries Through(SunspotSeries file, DateOnly day, int historyDays)
    {
        int end = file.IndexOf(day);
        int start = Math.Max(0, end + 1 - historyDays);
        return new SunspotSeries(file.DateAt(start), file.Values[start..(end + 1)].ToArray(), file.StandardDeviations[start..(end + 1)].ToArray(),
            file.ObservationCounts[start..(end + 1)].ToArray(), file.Provisional[start..(end + 1)].ToArray());
    }

    private static double? Rmse(ScoredForecast[] rows, Func<ScoredForecast, float> forecast) => rows.Length == 0 ? null : LiveSkill.Rmse(rows, forecast);

    private static double? LinearRmse(List<(int Lead, float Value, float Observed)> rows, int lead)
    {
        double[] squared = [.. rows.Where(r => r.Lead == lead).Select(r => (double)(r.Observed - r.Value) * (r.Observed - r.Value))];
        return squared.Length == 0 ? null : Math.Sqrt(squared.Average());
    }
}
