using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// How well forecast distributions held what happened, averaged over scored days: the CRPS, the 90%
/// interval score and, per level, the share of actuals at or below that quantile (a calibrated
/// forecast's share is the level). Lower scores are better; both are in sunspot numbers.
/// </summary>
/// <param name="Crps">The continuous ranked probability score, approximated from the quantiles (<see cref="CrpsOf"/>).</param>
/// <param name="IntervalScore">The interval (Winkler) score of the 90% interval (<see cref="IntervalScoreOf"/>).</param>
/// <param name="QuantileHits">From level (<c>"0.05"</c>) to the share of actuals at or below its quantile.</param>
public sealed record QuantileScores(double Crps, double IntervalScore, IReadOnlyDictionary<string, double> QuantileHits)
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
        double sum = 0;
        for (int k = 0; k < PredictionIntervals.Levels.Count; k++)
        {
            sum += Pinball(quantiles.Values[k], PredictionIntervals.Levels[k], actual);
        }

        return 2 * sum / PredictionIntervals.Levels.Count;
    }

    /// <summary>The interval score of [lower, upper] at level 1 − α: (u − l) + (2/α)(l − y)⁺ + (2/α)(y − u)⁺.</summary>
    public static double IntervalScoreOf(float lower, float upper, float actual, double alpha = IntervalAlpha) =>
        (double)upper - lower + 2 / alpha * Math.Max(0, (double)lower - actual) + 2 / alpha * Math.Max(0, (double)actual - upper);

    /// <summary>The scores averaged over <paramref name="scored"/>; null when there is nothing scored.</summary>
    public static QuantileScores? Of(IEnumerable<(ForecastQuantiles Quantiles, float Actual)> scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        int count = 0;
        double crps = 0;
        double interval = 0;
        var hits = new int[PredictionIntervals.Levels.Count];
        foreach ((ForecastQuantiles quantiles, float actual) in scored)
        {
            count++;
            crps += CrpsOf(quantiles, actual);
            interval += IntervalScoreOf(quantiles.Lower, quantiles.Upper, actual);
            for (int k = 0; k < hits.Length; k++)
            {
                hits[k] += actual <= quantiles.Values[k] ? 1 : 0;
            }
        }

        return count == 0 ? null : new QuantileScores(
            crps / count,
            interval / count,
            PredictionIntervals.Levels.Select((level, k) => (level, k)).ToDictionary(x => ForecastQuantiles.Key(x.level), x => hits[x.k] / (double)count));
    }
}
