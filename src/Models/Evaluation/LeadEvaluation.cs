using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// Forecasts 1..N days ahead from every window of a range, scored on the days of the same range:
/// the network rolled forward, persistence (the window's last value) and the rotation mean (the
/// mean of the 27 days before the target of the window), each on the very same target days.
/// </summary>
public static class LeadEvaluation
{
    /// <summary>The pairs per lead 1..<paramref name="maxLead"/>; a target must lie inside the range (up to its last window's target) and have an observation.</summary>
    public static LeadPairs[] Pairs(ForecastModel model, WindowSet windows, int maxLead)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLead, 1);
        var leads = new LeadPairs[maxLead];
        for (int lead = 1; lead <= maxLead; lead++)
        {
            leads[lead - 1] = new LeadPairs(lead, new(windows.Count), new(windows.Count), new(windows.Count));
        }

        if (windows.Count == 0)
        {
            return leads;
        }

        float[][] paths = model.PredictPaths(windows.Inputs, windows.Count, maxLead);
        ReadOnlySpan<float> values = windows.Series.Values;
        int rangeEnd = windows.TargetIndex(windows.Count - 1);
        for (int i = 0; i < windows.Count; i++)
        {
            int issue = windows.TargetIndex(i) - 1;
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
            }
        }

        return leads;
    }

    /// <summary>Per lead, the method with the lowest RMSE on <paramref name="leads"/> (the validation years'); the network where there is a tie.</summary>
    public static ForecastMethod[] ChooseMethods(IReadOnlyList<LeadPairs> leads)
    {
        ArgumentNullException.ThrowIfNull(leads);
        return leads.Select(pairs =>
        {
            double model = LeadPairs.Rmse(pairs.Model) ?? double.PositiveInfinity;
            double persistence = LeadPairs.Rmse(pairs.Persistence) ?? double.PositiveInfinity;
            double rotation = LeadPairs.Rmse(pairs.RotationMean) ?? double.PositiveInfinity;
            return persistence < model && persistence <= rotation ? ForecastMethod.Persistence
                : rotation < model && rotation < persistence ? ForecastMethod.RotationMean
                : ForecastMethod.Model;
        }).ToArray();
    }

    /// <summary>Scores leads 1..<paramref name="maxLead"/> on <paramref name="windows"/> with the model's own lead methods and intervals.</summary>
    public static IReadOnlyList<LeadScore> Score(ForecastModel model, WindowSet windows, int maxLead)
    {
        ArgumentNullException.ThrowIfNull(model);
        PredictionIntervals intervals = model.Intervals ?? throw new InvalidOperationException("The model has no prediction intervals.");
        return Pairs(model, windows, maxLead).Select(pairs =>
        {
            ForecastMethod method = model.LeadMethods[pairs.Lead - 1];
            List<(float Forecast, float Actual)> served = pairs.Of(method);
            int covered = served.Count(p =>
            {
                (float lower, float upper) = intervals.Around(p.Forecast, pairs.Lead);
                return p.Actual >= lower && p.Actual <= upper;
            });
            return new LeadScore(
                pairs.Lead,
                pairs.Model.Count,
                LeadPairs.Rmse(pairs.Model),
                LeadPairs.Mae(pairs.Model),
                LeadPairs.Rmse(pairs.Persistence),
                LeadPairs.Rmse(pairs.RotationMean),
                method,
                LeadPairs.Rmse(served),
                served.Count == 0 ? null : (double)covered / served.Count);
        }).ToArray();
    }
}
