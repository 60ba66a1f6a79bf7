using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Tests.Evaluation;

public class QuantileScoresTests
{
    // At 0.05 … 0.95: 80, 82, 86, 90, 94, 98, 100.
    private static readonly ForecastQuantiles Quantiles = new([80f, 82f, 86f, 90f, 94f, 98f, 100f]);

    [Theory]
    [InlineData(90f, 0.5, 95f, 2.5)]
    [InlineData(98f, 0.9, 95f, 0.3)]
    [InlineData(80f, 0.05, 95f, 0.75)]
    [InlineData(100f, 0.95, 100f, 0)]
    public void The_pinball_loss_weighs_misses_above_by_the_level_and_below_by_its_complement(float quantile, double level, float actual, double loss) =>
        Assert.Equal(loss, QuantileScores.Pinball(quantile, level, actual), 9);

    [Fact]
    public void The_crps_is_two_over_k_times_the_summed_pinball_losses()
    {
        // Pinball losses at 95: 0.75, 1.3, 2.25, 2.5, 0.75, 0.3, 0.25 (sum 8.1); 2/7 × 8.1.
        Assert.Equal(16.2 / 7, QuantileScores.CrpsOf(Quantiles, 95), 5);
        Assert.Equal(0, QuantileScores.CrpsOf(new ForecastQuantiles([.. Enumerable.Repeat(50f, 7)]), 50), 9);
    }

    [Theory]
    [InlineData(95f, 20)]
    [InlineData(105f, 120)] // 20 + (2 / 0.1) × 5
    [InlineData(70f, 220)] // 20 + (2 / 0.1) × 10
    public void The_interval_score_is_the_width_plus_twenty_times_the_miss(float actual, double score) =>
        Assert.Equal(score, QuantileScores.IntervalScoreOf(80, 100, actual), 4);

    [Fact]
    public void Scores_average_over_days_and_hits_count_actuals_at_or_below_each_quantile()
    {
        QuantileScores scores = QuantileScores.Of([(Quantiles, 95f), (Quantiles, 105f), (Quantiles, 70f), (Quantiles, 90f)])!;

        Assert.Equal((20 + 120 + 220 + 20) / 4.0, scores.IntervalScore, 4);
        Assert.Equal(0.5, scores.Coverage); // 95 and 90 inside 80..100
        Assert.Equal(new[] { 95f, 105f, 70f, 90f }.Average(y => QuantileScores.CrpsOf(Quantiles, y)), scores.Crps, 9);
        // 70 is below every quantile, 90 at or below the median and up, 95 below 98 and 100, 105 below none.
        Assert.Equal(
            new Dictionary<string, double> { ["0.05"] = 0.25, ["0.10"] = 0.25, ["0.25"] = 0.25, ["0.50"] = 0.5, ["0.75"] = 0.5, ["0.90"] = 0.75, ["0.95"] = 0.75 },
            scores.QuantileHits);
        Assert.Null(QuantileScores.Of([]));
    }

    [Fact]
    public void Quantiles_that_decrease_or_miss_a_level_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ForecastQuantiles([1f, 2f, 3f, 2f, 5f, 6f, 7f]));
        Assert.Throws<ArgumentException>(() => new ForecastQuantiles([1f, 2f, 3f]));
    }
}
