using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// How well forecast distributions held what happened, averaged over scored days: the CRPS, the 90%
/// interval score and, per level, the share of actuals at or below that quantile (a calibrated
/// forecast's share is the level). Lower scores are better; both are in sunspot numbers.
/// </summary>
/// <param name="Crps">The continuous ranked probability score, approximated from the quantiles (<see cref="CrpsOf"/>).</param>
/// <param name="IntervalScore">The interval (Winkler) score of the 90% interval (<see cref="IntervalScoreOf"/>).</param>
/// <param name="Coverage">The share of actuals inside the 90% interval, its ends included.</param>
/// <param name="QuantileHits">From level (<c>"0.05"</c>) to the share of actuals at or below its quantile.</param>
public sealed record QuantileScores(double Crps, double IntervalScore, double Coverage, IReadOnlyDictionary<string, double> QuantileHits)
{
    /// <summary>The interval score's α: the 90% interval leaves 10% outside.</summary>
    public const double IntervalAlpha = 1 - PredictionIntervals.Level;

    /// <summary>The pinball (quantile) loss of <paramref name="quantile"/> at <paramref name="level"/>: level × (y − q) above the quantile, (1 − level) × (q − y) below.</summary>
    public static double Pinball(float quantile, double level, float actual)
    {
        double error = (double)actual - quantile;
        return error >= 0 ? level * error : (level - 1) * error;
    }

    /// <summary>
    /// The CRPS from the K quantiles: 2/K × the sum of their pinball losses, the quantile-score
    /// approximation of CRPS = 2 ∫ pinball dτ (exact as the levels fill 0..1 evenly; with seven
    /// levels it weights the tails beyond 0.05 and 0.95 not at all).
    /// </summary>
    public static double CrpsOf(ForecastQuantiles quantiles, float actual)
    {
        ArgumentNullException.ThrowIfNull(quantiles);
        return CrpsOfSpan(quantiles.Span, actual);
    }

    /// <summary>The interval score of [lower, upper] at level 1 − α: (u − l) + (2/α)(l − y)⁺ + (2/α)(y − u)⁺.</summary>
    public static double IntervalScoreOf(float lower, float upper, float actual, double alpha = IntervalAlpha) =>
        (double)upper - lower + 2 / alpha * Math.Max(0, (double)lower - actual) + 2 / alpha * Math.Max(0, (double)actual - upper);

    /// <summary>The scores averaged over <paramref name="scored"/>; null when there is nothing scored.</summary>
    public static QuantileScores? Of(IEnumerable<(ForecastQuantiles Quantiles, float Actual)> scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var tally = new Tally();
        foreach ((ForecastQuantiles quantiles, float actual) in scored)
        {
            tally.Add(quantiles.Span, actual);
        }

        return tally.Result();
    }

    /// <summary>The scores of <paramref name="intervals"/>' quantiles around each forecast of <paramref name="pairs"/> at <paramref name="lead"/>; null without pairs.</summary>
    public static QuantileScores? Of(PredictionIntervals intervals, int lead, IEnumerable<(float Forecast, float Actual)> pairs)
    {
        ArgumentNullException.ThrowIfNull(intervals);
        ArgumentNullException.ThrowIfNull(pairs);
        var tally = new Tally();
        Span<float> quantiles = stackalloc float[PredictionIntervals.Levels.Count];
        foreach ((float forecast, float actual) in pairs)
        {
            intervals.Fill(forecast, lead, quantiles);
            tally.Add(quantiles, actual);
        }

        return tally.Result();
    }

    private static double CrpsOfSpan(ReadOnlySpan<float> quantiles, float actual)
    {
        double sum = 0;
        for (int k = 0; k < quantiles.Length; k++)
        {
            sum += Pinball(quantiles[k], PredictionIntervals.Levels[k], actual);
        }

        return 2 * sum / quantiles.Length;
    }

    // The sums behind the averages.
    private sealed class Tally
    {
        private readonly int[] _hits = new int[PredictionIntervals.Levels.Count];
        private int _count;
        private int _covered;
        private double _crps;
        private double _interval;

        public void Add(ReadOnlySpan<float> quantiles, float actual)
        {
            _count++;
            _crps += CrpsOfSpan(quantiles, actual);
            _interval += IntervalScoreOf(quantiles[0], quantiles[^1], actual);
            _covered += actual >= quantiles[0] && actual <= quantiles[^1] ? 1 : 0;
            for (int k = 0; k < _hits.Length; k++)
            {
                _hits[k] += actual <= quantiles[k] ? 1 : 0;
            }
        }

        public QuantileScores? Result() => _count == 0 ? null : new QuantileScores(
            _crps / _count,
            _interval / _count,
            _covered / (double)_count,
            PredictionIntervals.Levels.Select((level, k) => (level, k)).ToDictionary(x => ForecastQuantiles.Key(x.level), x => _hits[x.k] / (double)_count));
    }
}
