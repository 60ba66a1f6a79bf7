namespace SunspotForecaster.Models.Forecasting;

/// <summary>
/// The forecast's distribution from one method's own errors on the validation years: per horizon,
/// the quantiles at <see cref="Levels"/> of the errors measured relative to a noise scale that grows
/// with the forecast level, sqrt(max(forecast, 0) + <see cref="ScaleOffset"/>), because the daily
/// sunspot number is noisier at solar maximum than at minimum: quantiles of raw errors from one
/// cycle would be too wide in a quiet cycle and too narrow in an active one. The 90% interval runs
/// from the first level (0.05) to the last (0.95).
/// </summary>
/// <param name="Quantiles">[h - 1][k]: the relative error at <see cref="Levels"/>[k] for horizon h, non-decreasing in k.</param>
public sealed record PredictionIntervals(float ScaleOffset, float[][] Quantiles)
{
    /// <summary>The quantile levels every forecast day carries.</summary>
    public static IReadOnlyList<double> Levels { get; } = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

    /// <summary>The level of the interval from the first to the last quantile.</summary>
    public const double Level = 0.90;

    public int MaxLead => Quantiles.Length;

    public static float NoiseScale(float forecast, float offset) => MathF.Sqrt(MathF.Max(forecast, 0) + offset);

    /// <summary>
    /// The quantiles around <paramref name="forecast"/> at <paramref name="horizon"/> (1-based):
    /// non-decreasing, never below zero, and the 90% interval (the first and the last) always holds
    /// the forecast itself: where the errors on the validation years lean to one side (a recursive
    /// forecast drifting low, say), a quantile can fall on the other side of the forecast, and an
    /// interval that excludes its own forecast reads as a contradiction.
    /// </summary>
    public ForecastQuantiles At(float forecast, int horizon)
    {
        Span<float> values = stackalloc float[Levels.Count];
        Fill(forecast, horizon, values);
        return new ForecastQuantiles(values.ToArray());
    }

    /// <summary><see cref="At"/> into <paramref name="values"/> (one per level), allocating nothing: an evaluation scores hundreds of thousands.</summary>
    public void Fill(float forecast, int horizon, Span<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(horizon, MaxLead);
        float scale = NoiseScale(forecast, ScaleOffset);
        float[] relative = Quantiles[horizon - 1];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = forecast + relative[k] * scale;
        }

        // Sorted again after scaling, so that a stored table a rounding away from monotone cannot
        // give a crossing; then the interval widened to hold the forecast, which keeps the order.
        values.Sort();
        values[0] = MathF.Min(values[0], forecast);
        values[^1] = MathF.Max(values[^1], forecast);
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = MathF.Max(0, values[k]);
        }
    }

    /// <summary>The 90% interval around <paramref name="forecast"/>: the first and last of <see cref="At"/>.</summary>
    public (float Lower, float Upper) Around(float forecast, int horizon)
    {
        ForecastQuantiles quantiles = At(forecast, horizon);
        return (quantiles.Lower, quantiles.Upper);
    }

    /// <summary>
    /// Fits the quantiles: <paramref name="errorsByHorizon"/>[h - 1] holds (forecast, actual) pairs
    /// of h-day-ahead forecasts on the validation years.
    /// </summary>
    public static PredictionIntervals Fit(IReadOnlyList<IReadOnlyList<(float Forecast, float Actual)>> errorsByHorizon, float scaleOffset)
    {
        ArgumentNullException.ThrowIfNull(errorsByHorizon);
        var quantiles = new float[errorsByHorizon.Count][];
        for (int h = 0; h < errorsByHorizon.Count; h++)
        {
            float[] relative = errorsByHorizon[h].Select(p => (p.Actual - p.Forecast) / NoiseScale(p.Forecast, scaleOffset)).ToArray();
            if (relative.Length == 0)
            {
                throw new ArgumentException($"No validation forecasts at horizon {h + 1} to fit the quantiles on.", nameof(errorsByHorizon));
            }

            Array.Sort(relative);
            quantiles[h] = [.. Levels.Select(level => Quantile(relative, level))];
        }

        return new PredictionIntervals(scaleOffset, quantiles);
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
