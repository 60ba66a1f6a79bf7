using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Series;

namespace SunspotForecaster.Core.Evaluation;

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
            intervals.Level);
    }

    /// <summary>
    /// The (forecast, actual) pairs of recursive forecasts 1..<paramref name="maxHorizon"/> days
    /// ahead from every window whose following days lie inside the same unbroken range.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<(float Forecast, float Actual)>> ErrorsByHorizon(ForecastModel model, WindowSet windows, int maxHorizon)
    {
        float[][] paths = model.PredictPaths(windows.Inputs, windows.Count, maxHorizon);
        ReadOnlySpan<float> values = windows.Series.Values;
        var pairs = new List<(float, float)>[maxHorizon];
        for (int h = 1; h <= maxHorizon; h++)
        {
            pairs[h - 1] = new List<(float, float)>(windows.Count);
            for (int i = 0; i + h - 1 < windows.Count; i++)
            {
                // The day h - 1 after this window's target is the target of window i + h - 1 only
                // when no window in between was skipped.
                if (windows.TargetIndex(i + h - 1) == windows.TargetIndex(i) + h - 1)
                {
                    pairs[h - 1].Add((MathF.Max(0, paths[h - 1][i]), values[windows.TargetIndex(i) + h - 1]));
                }
            }
        }

        return pairs;
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
