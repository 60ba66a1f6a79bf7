namespace SunspotForecaster.Models.Forecasting;

/// <summary>
/// Prediction intervals from the model's own errors on the validation years, one pair of quantiles
/// per horizon. Errors are measured relative to a noise scale that grows with the forecast level,
/// sqrt(max(forecast, 0) + <see cref="ScaleOffset"/>), because the daily sunspot number is noisier
/// at solar maximum than at minimum: quantiles of raw errors from one cycle would be too wide in a
/// quiet cycle and too narrow in an active one.
/// </summary>
public sealed record PredictionIntervals(double Level, float ScaleOffset, float[] LowerQuantiles, float[] UpperQuantiles)
{
    public int MaxLead => LowerQuantiles.Length;

    public static float NoiseScale(float forecast, float offset) => MathF.Sqrt(MathF.Max(forecast, 0) + offset);

    /// <summary>
    /// The interval around <paramref name="forecast"/> at <paramref name="horizon"/> (1-based); never
    /// below zero, and always holding the forecast itself: where the model's errors on the
    /// validation years lean to one side (a recursive forecast drifting low, say), a quantile can
    /// fall on the other side of the forecast, and an interval that excludes its own forecast reads
    /// as a contradiction.
    /// </summary>
    public (float Lower, float Upper) Around(float forecast, int horizon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(horizon, MaxLead);
        float scale = NoiseScale(forecast, ScaleOffset);
        float lower = MathF.Min(forecast + LowerQuantiles[horizon - 1] * scale, forecast);
        float upper = MathF.Max(forecast + UpperQuantiles[horizon - 1] * scale, forecast);
        return (MathF.Max(0, lower), MathF.Max(0, upper));
    }

    /// <summary>
    /// Fits the quantiles: <paramref name="errorsByHorizon"/>[h - 1] holds (forecast, actual) pairs
    /// of h-day-ahead forecasts on the validation years.
    /// </summary>
    public static PredictionIntervals Fit(IReadOnlyList<IReadOnlyList<(float Forecast, float Actual)>> errorsByHorizon, double level, float scaleOffset)
    {
        if (level is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The interval level lies between 0 and 1.");
        }

        var lower = new float[errorsByHorizon.Count];
        var upper = new float[errorsByHorizon.Count];
        for (int h = 0; h < errorsByHorizon.Count; h++)
        {
            float[] relative = errorsByHorizon[h].Select(p => (p.Actual - p.Forecast) / NoiseScale(p.Forecast, scaleOffset)).ToArray();
            if (relative.Length == 0)
            {
                throw new ArgumentException($"No validation forecasts at horizon {h + 1} to fit the interval on.", nameof(errorsByHorizon));
            }

            Array.Sort(relative);
            double tail = (1 - level) / 2;
            lower[h] = Quantile(relative, tail);
            upper[h] = Quantile(relative, 1 - tail);
        }

        return new PredictionIntervals(level, scaleOffset, lower, upper);
    }

    // Linear interpolation between order statistics (NumPy's default).
    private static float Quantile(float[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return (float)(sorted[below] + (sorted[above] - sorted[below]) * (position - below));
    }
}
