namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// The scores of a lead's forecast distributions, for both the evaluation and the replay: the served
/// quantiles' CRPS, 90% interval score and hit rate per level (from level, <c>"0.05"</c>, to the
/// share of actuals at or below that quantile), beside the CRPS and interval score of each baseline
/// with its own quantiles; null where nothing was scored.
/// </summary>
public abstract record DistributionScores
{
    public double? Crps { get; init; }

    public double? IntervalScore { get; init; }

    public IReadOnlyDictionary<string, double>? QuantileHits { get; init; }

    public double? PersistenceCrps { get; init; }

    public double? PersistenceIntervalScore { get; init; }

    public double? RotationMeanCrps { get; init; }

    public double? RotationMeanIntervalScore { get; init; }

    /// <summary>This line with the scores of the served forecasts and of each baseline.</summary>
    public T With<T>(QuantileScores? served, QuantileScores? persistence, QuantileScores? rotationMean)
        where T : DistributionScores =>
        (T)(this with
        {
            Crps = served?.Crps,
            IntervalScore = served?.IntervalScore,
            QuantileHits = served?.QuantileHits,
            PersistenceCrps = persistence?.Crps,
            PersistenceIntervalScore = persistence?.IntervalScore,
            RotationMeanCrps = rotationMean?.Crps,
            RotationMeanIntervalScore = rotationMean?.IntervalScore,
        });
}
