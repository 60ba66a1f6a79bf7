using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Tests.Forecasting;

public class PredictionIntervalsTests
{
    [Fact]
    public void Quantiles_of_scaled_errors_give_the_interval()
    {
        // Forecast 90 (noise scale sqrt(90 + 10) = 10); errors -20..+20 in steps of 1 → scaled -2..2.
        var pairs = Enumerable.Range(-20, 41).Select(e => (Forecast: 90f, Actual: 90f + e)).ToList();

        PredictionIntervals intervals = PredictionIntervals.Fit([pairs], level: 0.9, scaleOffset: 10);
        (float lower, float upper) = intervals.Around(90, 1);

        Assert.Equal(-1.8f, intervals.LowerQuantiles[0], 4);
        Assert.Equal(1.8f, intervals.UpperQuantiles[0], 4);
        Assert.Equal(72f, lower, 3);
        Assert.Equal(108f, upper, 3);
    }

    [Fact]
    public void Intervals_scale_with_the_level_and_never_go_below_zero()
    {
        var pairs = Enumerable.Range(-20, 41).Select(e => (Forecast: 90f, Actual: 90f + e)).ToList();
        PredictionIntervals intervals = PredictionIntervals.Fit([pairs], level: 0.9, scaleOffset: 10);

        (float quietLower, float quietUpper) = intervals.Around(6, 1);
        (float activeLower, float activeUpper) = intervals.Around(390, 1);

        Assert.Equal(0f, quietLower);
        Assert.True(activeUpper - activeLower > 4 * (quietUpper - 6), "an active sun gets a wider interval");
    }

    [Fact]
    public void An_interval_always_holds_its_own_forecast_even_when_the_errors_lean_to_one_side()
    {
        // Every validation forecast was 5..25 too low: both quantiles lie above the forecast.
        var pairs = Enumerable.Range(5, 21).Select(e => (Forecast: 90f, Actual: 90f + e)).ToList();
        PredictionIntervals intervals = PredictionIntervals.Fit([pairs], level: 0.9, scaleOffset: 10);

        (float lower, float upper) = intervals.Around(90, 1);

        Assert.True(intervals.LowerQuantiles[0] > 0);
        Assert.Equal(90f, lower);
        Assert.Equal(90f + 24f, upper, 3);
    }

    [Fact]
    public void A_horizon_without_errors_cannot_be_fitted() =>
        Assert.Throws<ArgumentException>(() => PredictionIntervals.Fit([[]], 0.9, 10));
}
