using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class ForecastModelTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    private static readonly DateOnly LastDate = new(1999, 12, 31);

    private ForecastModel Model => fixture.Trained.Model;

    private float[] History => fixture.Series.Values[^200..].ToArray();

    [Fact]
    public void Forecasts_up_to_thirty_days_each_inside_its_interval_and_served_by_its_leads_method()
    {
        IReadOnlyList<ForecastDay> forecasts = Model.Forecast(History, LastDate, 30);

        Assert.Equal(Enumerable.Range(1, 30), forecasts.Select(f => f.Lead));
        Assert.Equal(Enumerable.Range(1, 30).Select(lead => LastDate.AddDays(lead)), forecasts.Select(f => f.Date));
        Assert.All(forecasts, f =>
        {
            Assert.True(f.Lower >= 0 && f.Lower <= f.Value && f.Value <= f.Upper, $"{f}");
            Assert.True(float.IsFinite(f.Value));
            Assert.Equal(Model.LeadMethods[f.Lead - 1], f.Method);
        });
    }

    [Fact]
    public void A_lead_served_by_a_baseline_answers_the_baselines_value()
    {
        float[] history = History;
        IReadOnlyList<ForecastDay> forecasts = Model.ForecastLeads(history, LastDate, 1, ForecastModel.MaxLead);

        Assert.All(forecasts.Where(f => f.Method == ForecastMethod.Persistence), f => Assert.Equal(history[^1], f.Value));
        Assert.All(forecasts.Where(f => f.Method == ForecastMethod.RotationMean), f => Assert.Equal(history[^27..].Average(), f.Value, 3));
    }

    [Fact]
    public void Leads_beyond_the_first_roll_the_network_through_the_days_before()
    {
        float[] history = History;
        float[] scaled = history[^Model.Window..].Select(Model.Scaler.Scale).ToArray();
        float[][] twoDays = Model.PredictPaths(scaled, 1, 2);

        float[] extended = [.. history[^(Model.Window - 1)..], twoDays[0][0]];
        float[][] next = Model.PredictPaths(extended.Select(Model.Scaler.Scale).ToArray(), 1, 1);

        Assert.Equal(twoDays[1][0], next[0][0], 3);
    }

    [Fact]
    public void Concurrent_callers_get_the_same_answers_as_one_caller()
    {
        float[][] histories = Enumerable.Range(0, 40).Select(i => fixture.Series.Values.Slice(i * 20, 30).ToArray()).ToArray();
        float[] expected = histories.Select(h => Model.Forecast(h, LastDate, 3)[2].Value).ToArray();

        float[][] results = new float[8][];
        Parallel.For(0, 8, worker => results[worker] = histories.Select(h => Model.Forecast(h, LastDate, 3)[2].Value).ToArray());

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(-1)]
    public void Days_outside_one_to_thirty_are_refused(int days)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Model.Forecast(History, LastDate, days));
        Assert.Contains("days must be between 1 and 30", error.Message);
    }

    [Fact]
    public void Too_short_missing_or_negative_history_is_refused()
    {
        Assert.Contains("needs the last 8", Assert.Throws<ArgumentException>(() => Model.Forecast(History[..5], LastDate, 1)).Message);
        float[] withNaN = History;
        withNaN[^2] = float.NaN;
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Model.Forecast(withNaN, LastDate, 1)).Message);
        float[] negative = History;
        negative[^1] = -3;
        Assert.Contains("not negative", Assert.Throws<ArgumentException>(() => Model.Forecast(negative, LastDate, 1)).Message);
    }
}
