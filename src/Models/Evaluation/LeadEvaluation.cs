using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Regression;
using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// Forecasts 1..N days ahead from every window of a range, scored on the days of the same range:
/// the network rolled forward, persistence (the window's last value), the rotation mean (the
/// mean of the 27 days before the target of the window) and the model's direct linear forecast of
/// each lead, each on the very same target days.
/// </summary>
public static class LeadEvaluation
{
    /// <summary>
    /// The pairs per lead 1..<paramref name="maxLead"/>; a target must lie inside the range (up to
    /// its last window's target) and have an observation. The linear forecast reads the days before
    /// the window's end, which may lie before the range (they are inputs, not targets); where they
    /// lack an observation they are filled as a served forecast fills them
    /// (<see cref="ForecastModel.HistoryEndingAt"/>), and a window whose days cannot be filled is
    /// left out for every method, so that all are scored on the same days.
    /// </summary>
    public static LeadPairs[] Pairs(ForecastModel model, WindowSet windows, int maxLead)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLead, 1);
        var leads = new LeadPairs[maxLead];
        for (int lead = 1; lead <= maxLead; lead++)
        {
            leads[lead - 1] = new LeadPairs(lead, new(windows.Count), new(windows.Count), new(windows.Count), new(model.Linear is null ? 0 : windows.Count));
        }

        if (windows.Count == 0)
        {
            return leads;
        }

        float[][] paths = model.PredictPaths(windows.Inputs, windows.Count, maxLead);
        ReadOnlySpan<float> values = windows.Series.Values;
        int rangeEnd = windows.TargetIndex(windows.Count - 1);
        LinearForecaster? linear = model.Linear;
        int linearLeads = linear is null ? 0 : Math.Min(linear.MaxLead, maxLead);
        int linearDays = linear is null ? 0 : Math.Max(linear.Days, model.Window);
        int[] missing = MissingBefore(values);
        var linearForecasts = new float[linearLeads];
        for (int i = 0; i < windows.Count; i++)
        {
            int issue = windows.TargetIndex(i) - 1;
            if (linear is not null)
            {
                int from = issue - linearDays + 1;
                ReadOnlySpan<float> history;
                if (from >= 0 && missing[issue + 1] == missing[from])
                {
                    history = values[from..(issue + 1)];
                }
                else
                {
                    try
                    {
                        history = model.HistoryEndingAt(values, issue, linearDays);
                    }
                    catch (ArgumentException)
                    {
                        continue;
                    }
                }

                for (int lead = 1; lead <= linearLeads; lead++)
                {
                    linearForecasts[lead - 1] = MathF.Max(0, linear.Leads[lead - 1].Predict(history));
                }
            }

            float last = values[issue];
            float rotation = ForecastModel.RotationMean(values[Math.Max(0, issue - ForecastModel.RotationDays + 1)..(issue + 1)]);
            for (int lead = 1; lead <= maxLead; lead++)
            {
                int target = issue + lead;
                if (target > rangeEnd)
                {
                    break;
                }

                float actual = values[target];
                if (!float.IsFinite(actual))
                {
                    continue;
                }

                LeadPairs pairs = leads[lead - 1];
                pairs.Model.Add((MathF.Max(0, paths[lead - 1][i]), actual));
                pairs.Persistence.Add((last, actual));
                pairs.RotationMean.Add((rotation, actual));
                if (lead <= linearLeads)
                {
                    pairs.Linear.Add((linearForecasts[lead - 1], actual));
                }
            }
        }

        return leads;
    }

    // missing[i]: the days without an observation before index i.
    private static int[] MissingBefore(ReadOnlySpan<float> values)
    {
        var missing = new int[values.Length + 1];
        for (int i = 0; i < values.Length; i++)
        {
            missing[i + 1] = missing[i] + (float.IsFinite(values[i]) ? 0 : 1);
        }

        return missing;
    }

    /// <summary>
    /// Per lead, the method with the lowest RMSE on <paramref name="leads"/> (the validation years'):
    /// the network, persistence, the rotation mean or the linear model (only where it has pairs).
    /// Ties go to the first in that order.
    /// </summary>
    public static ForecastMethod[] ChooseMethods(IReadOnlyList<LeadPairs> leads)
    {
        ArgumentNullException.ThrowIfNull(leads);
        return leads.Select(pairs =>
        {
            ForecastMethod best = ForecastMethod.Model;
            double bestRmse = LeadPairs.Rmse(pairs.Model) ?? double.PositiveInfinity;
            foreach (ForecastMethod method in (ReadOnlySpan<ForecastMethod>)[ForecastMethod.Persistence, ForecastMethod.RotationMean, ForecastMethod.Linear])
            {
                if (LeadPairs.Rmse(pairs.Of(method)) is double rmse && rmse < bestRmse)
                {
                    (best, bestRmse) = (method, rmse);
                }
            }

            return best;
        }).ToArray();
    }

    /// <summary>
    /// Scores leads 1..<paramref name="maxLead"/> on <paramref name="windows"/> with the model's own
    /// lead methods and quantiles, and each baseline with its own quantiles.
    /// </summary>
    public static IReadOnlyList<LeadScore> Score(ForecastModel model, WindowSet windows, int maxLead)
    {
        ArgumentNullException.ThrowIfNull(model);
        PredictionIntervals intervals = model.Intervals ?? throw new InvalidOperationException("The model has no prediction intervals.");
        BaselineIntervals baselines = model.Baselines ?? throw new InvalidOperationException("The model has no baseline intervals.");
        return Pairs(model, windows, maxLead).Select(pairs =>
        {
            ForecastMethod method = model.LeadMethods[pairs.Lead - 1];
            List<(float Forecast, float Actual)> served = pairs.Of(method);
            QuantileScores? scores = QuantileScores.Of(intervals, pairs.Lead, served);
            QuantileScores? persistence = QuantileScores.Of(baselines.Persistence, pairs.Lead, pairs.Persistence);
            QuantileScores? rotation = QuantileScores.Of(baselines.RotationMean, pairs.Lead, pairs.RotationMean);
            return new LeadScore(
                pairs.Lead,
                pairs.Model.Count,
                LeadPairs.Rmse(pairs.Model),
                LeadPairs.Mae(pairs.Model),
                LeadPairs.Rmse(pairs.Persistence),
                LeadPairs.Rmse(pairs.RotationMean),
                LeadPairs.Rmse(pairs.Linear),
                method,
                LeadPairs.Rmse(served),
                scores?.Coverage).With<LeadScore>(scores, persistence, rotation);
        }).ToArray();
    }
}
