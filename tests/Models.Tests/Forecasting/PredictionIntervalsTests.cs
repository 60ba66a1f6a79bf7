using CsCheck;
using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Tests.Forecasting;

public class PredictionIntervalsTests
{
    // Forecast 90 (noise scale sqrt(90 + 10) = 10); errors -20..+20 in steps of 1 → scaled -2..2.
    private static readonly List<(float Forecast, float Actual)> EvenErrors = [.. Enumerable.Range(-20, 41).Select(e => (Forecast: 90f, Actual: 90f + e))];

    /// <summary>Intervals of ±<paramref name="halfWidth"/> noise scales at every lead, the quantiles spread evenly inside.</summary>
    internal static PredictionIntervals Fixed(float halfWidth = 1) =>
        new(10, [.. Enumerable.Range(0, ForecastModel.MaxLead).Select(_ => new[] { -1f, -0.8f, -0.4f, 0f, 0.4f, 0.8f, 1f }.Select(q => q * halfWidth).ToArray())]);

    [Fact]
    public void Quantiles_of_scaled_errors_give_every_level_and_the_interval()
    {
        PredictionIntervals intervals = PredictionIntervals.Fit([EvenErrors], scaleOffset: 10);
        ForecastQuantiles quantiles = intervals.At(90, 1);
        (float lower, float upper) = intervals.Around(90, 1);

        // The scaled errors' quantiles at 0.05 … 0.95 are -1.8, -1.6, -1, 0, 1, 1.6, 1.8.
        Assert.Equal([-1.8f, -1.6f, -1f, 0f, 1f, 1.6f, 1.8f], intervals.Quantiles[0].Select(q => MathF.Round(q, 4)));
        Assert.Equal([72f, 74f, 80f, 90f, 100f, 106f, 108f], quantiles.Values.Select(v => MathF.Round(v, 3)));
        Assert.Equal((quantiles.Lower, quantiles.Upper), (lower, upper));
        Assert.Equal(90f, quantiles[0.5], 3);
    }

    [Fact]
    public void Intervals_scale_with_the_level_and_never_go_below_zero()
    {
        PredictionIntervals intervals = PredictionIntervals.Fit([EvenErrors], scaleOffset: 10);

        (float quietLower, float quietUpper) = intervals.Around(6, 1);
        (float activeLower, float activeUpper) = intervals.Around(390, 1);

        Assert.Equal(0f, quietLower);
        Assert.All(intervals.At(6, 1).Values, v => Assert.True(v >= 0));
        Assert.True(activeUpper - activeLower > 4 * (quietUpper - 6), "an active sun gets a wider interval");
    }

    [Fact]
    public void An_interval_always_holds_its_own_forecast_even_when_the_errors_lean_to_one_side()
    {
        // Every validation forecast was 5..25 too low: every quantile lies above the forecast.
        var pairs = Enumerable.Range(5, 21).Select(e => (Forecast: 90f, Actual: 90f + e)).ToList();
        PredictionIntervals intervals = PredictionIntervals.Fit([pairs], scaleOffset: 10);

        ForecastQuantiles quantiles = intervals.At(90, 1);

        Assert.True(intervals.Quantiles[0][0] > 0);
        Assert.Equal(90f, quantiles.Lower);
        Assert.True(quantiles[0.10] > 90f, "only the interval's end moves to the forecast");
        Assert.Equal(90f + 24f, quantiles.Upper, 3);
    }

    [Fact]
    public void A_horizon_without_errors_cannot_be_fitted() =>
        Assert.Throws<ArgumentException>(() => PredictionIntervals.Fit([[]], 10));

    [Fact]
    public void Quantiles_are_monotone_and_not_negative_at_every_lead_for_any_errors_and_forecast()
    {
        Gen<(float Forecast, float Actual)> pair = Gen.Select(Gen.Float[0, 400], Gen.Float[-150, 150], (f, e) => (f, MathF.Max(0, f + e)));
        Gen<List<(float, float)>[]> leads = pair.List[1, 40].Array[1, 5];
        Gen.Select(leads, Gen.Float[-50, 500]).Sample((errors, forecast) =>
        {
            PredictionIntervals intervals = PredictionIntervals.Fit([.. errors], scaleOffset: 10);
            for (int lead = 1; lead <= intervals.MaxLead; lead++)
            {
                ForecastQuantiles q = intervals.At(forecast, lead);
                Assert.Equal(PredictionIntervals.Levels.Count, q.Values.Count);
                Assert.All(q.Values, v => Assert.True(v >= 0));
                Assert.All(q.Values.Zip(q.Values.Skip(1)), p => Assert.True(p.Second >= p.First));
                Assert.InRange(MathF.Max(0, forecast), q.Lower, q.Upper);
            }
        });
    }

    [Fact]
    public void A_table_a_rounding_away_from_monotone_still_gives_monotone_quantiles()
    {
        var intervals = new PredictionIntervals(10, [[-1f, -0.5f, -0.50001f, 0f, 0.5f, 1f, 1f]]);

        ForecastQuantiles q = intervals.At(90, 1);

        Assert.All(q.Values.Zip(q.Values.Skip(1)), p => Assert.True(p.Second >= p.First));
    }

    [Fact]
    public void Quantiles_read_and_write_json_as_an_object_from_level_to_value()
    {
        ForecastQuantiles q = Fixed().At(90, 1);

        string json = System.Text.Json.JsonSerializer.Serialize(q);

        Assert.StartsWith("{\"0.05\":80,\"0.10\":82,\"0.25\":86,\"0.50\":90,", json);
        Assert.Equal(q, System.Text.Json.JsonSerializer.Deserialize<ForecastQuantiles>(json));
        Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<ForecastQuantiles>("{\"0.05\":1,\"0.10\":2}"));
    }
}
