using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>Scores next-day forecasts against what happened, beside the persistence baseline.</summary>
public static class ForecastEvaluator
{
    public static TestMetrics Evaluate(ForecastModel model, WindowSet windows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.Count == 0)
        {
            throw new ArgumentException("There are no windows to evaluate on.", nameof(windows));
        }

        PredictionIntervals intervals = model.Intervals ?? throw new InvalidOperationException("The model has no prediction intervals.");
        float[] forecasts = model.PredictNextDay(windows);
        ReadOnlySpan<float> values = windows.Series.Values;
        double squared = 0;
        double absolute = 0;
        double persistenceSquared = 0;
        int covered = 0;
        for (int i = 0; i < windows.Count; i++)
        {
            float actual = values[windows.TargetIndex(i)];
            float forecast = MathF.Max(0, forecasts[i]);
            double error = actual - forecast;
            double persistenceError = actual - windows.LastObservedValue(i);
            squared += error * error;
            absolute += Math.Abs(error);
            persistenceSquared += persistenceError * persistenceError;
            (float lower, float upper) = intervals.Around(forecast, 1);
            covered += actual >= lower && actual <= upper ? 1 : 0;
        }

        double rmse = Math.Sqrt(squared / windows.Count);
        double persistence = Math.Sqrt(persistenceSquared / windows.Count);
        return new TestMetrics(
            windows.Count,
            rmse,
            absolute / windows.Count,
            persistence,
            persistence > 0 ? 1 - rmse / persistence : 0,
            (double)covered / windows.Count,
            PredictionIntervals.Level);
    }

    /// <summary>
    /// Scores <paramref name="model"/> on the range <paramref name="start"/>..<paramref name="end"/>
    /// of <paramref name="series"/>: next-day metrics, and with <paramref name="leads"/> the skill at
    /// each lead 1..leads beside both baselines.
    /// </summary>
    /// <exception cref="ArgumentException">The range lies outside the data or holds no complete window.</exception>
    public static RangeScore Score(ForecastModel model, Data.SunspotSeries series, DateOnly start, DateOnly end, int? leads)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(series);
        if (end < start)
        {
            throw new ArgumentException($"The test range ends ({end:yyyy-MM-dd}) before it starts ({start:yyyy-MM-dd}); give the start before the end.");
        }

        var range = new DateRange(start, end);
        if (!series.Contains(start) || !series.Contains(end))
        {
            throw new ArgumentException($"The test range {range} must lie within the data ({series.FirstDate:yyyy-MM-dd}..{series.LastDate:yyyy-MM-dd}).");
        }

        if (leads is < 1 || leads > model.Leads)
        {
            throw new ArgumentException($"Leads run from 1 to {model.Leads}; {leads} were asked.");
        }

        WindowSet windows = WindowSet.Build(series, range, model.Window, model.Scaler);
        if (windows.Count == 0)
        {
            throw new ArgumentException($"The test range {range} holds no complete {model.Window}-day window.");
        }

        return new RangeScore(range, Evaluate(model, windows), leads is int n ? LeadEvaluation.Score(model, windows, n) : null);
    }

    /// <summary>
    /// Scores several models on the very same test days: every model's windows end on the same
    /// target dates (those the longest window can reach inside <paramref name="range"/>), and
    /// persistence is scored on those days too. Returns each model's RMSE, persistence's RMSE and
    /// the number of days.
    /// </summary>
    public static (double[] Rmse, double PersistenceRmse, int Days) CompareOnSameDays(IReadOnlyList<ForecastModel> models, Data.SunspotSeries series, DateRange range)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(series);
        int longest = models.Max(m => m.Window);
        var rmse = new double[models.Count];
        double persistence = 0;
        int days = 0;
        for (int m = 0; m < models.Count; m++)
        {
            ForecastModel model = models[m];
            WindowSet windows = WindowSet.Build(series, new DateRange(range.Start.AddDays(longest - model.Window), range.End), model.Window, model.Scaler);
            if (windows.Count == 0)
            {
                throw new ArgumentException($"The range {range} holds no complete {longest}-day window to compare the models on.");
            }

            float[] forecasts = model.PredictNextDay(windows);
            ReadOnlySpan<float> values = series.Values;
            double squared = 0;
            double persistenceSquared = 0;
            for (int i = 0; i < windows.Count; i++)
            {
                float actual = values[windows.TargetIndex(i)];
                double error = actual - MathF.Max(0, forecasts[i]);
                double persistenceError = actual - windows.LastObservedValue(i);
                squared += error * error;
                persistenceSquared += persistenceError * persistenceError;
            }

            rmse[m] = Math.Sqrt(squared / windows.Count);
            persistence = Math.Sqrt(persistenceSquared / windows.Count);
            days = windows.Count;
        }

        return (rmse, persistence, days);
    }
}
