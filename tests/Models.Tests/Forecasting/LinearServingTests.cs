using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Regression;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Models.Tests.Networks;

namespace SunspotForecaster.Models.Tests.Forecasting;

public class LinearServingTests
{
    private const int Window = 30;
    private static readonly DateOnly LastDate = new(2000, 1, 1);

    // Lead h: 2h plus half the last day plus a quarter of the mean of the 81 days (ending on the last).
    private static LinearForecaster Linear() => new([.. Enumerable.Range(1, ForecastModel.MaxLead).Select(h =>
        new LinearLead(h, 27, 0.01, 1, 2.0 * h, [.. Enumerable.Range(0, 81).Select(k => (k == 0 ? 0.5 : 0) + 0.25 / 81)]))]);

    private static ForecastModel Model(Func<int, ForecastMethod> method) => new(
        [SeededNetworks.Managed(new RegressorShape(RecurrentCell.Lstm, HiddenSize: 8, Layers: 1, Dropout: 0, DenseSize: 8), 1)],
        Window,
        new StandardScaler(80, 60),
        PredictionIntervalsTests.Fixed(),
        [.. Enumerable.Range(1, ForecastModel.MaxLead).Select(method)],
        Linear());

    private static float[] History(int days) => [.. Enumerable.Range(0, days).Select(i => 60f + (i % 13))];

    [Fact]
    public void A_lead_served_by_the_linear_model_answers_its_forecast_with_that_leads_interval()
    {
        ForecastModel model = Model(lead => lead % 2 == 0 ? ForecastMethod.Linear : ForecastMethod.Model);
        float[] history = History(100);
        ForecastModel network = Model(_ => ForecastMethod.Model);

        IReadOnlyList<ForecastDay> days = model.ForecastLeads(history, LastDate, 1, ForecastModel.MaxLead);

        Assert.Equal(81, model.HistoryDays);
        double mean81 = history[^81..].Average();
        Assert.All(days, day =>
        {
            if (day.Lead % 2 == 0)
            {
                Assert.Equal(ForecastMethod.Linear, day.Method);
                Assert.Equal((float)(2.0 * day.Lead + 0.5 * history[^1] + 0.25 * mean81), day.Value, 3);
                Assert.Equal(model.Linear!.Predict(history, day.Lead), day.Value);
                Assert.Equal(model.Intervals!.Around(day.Value, day.Lead), (day.Lower!.Value, day.Upper!.Value));
            }
            else
            {
                Assert.Equal(ForecastMethod.Model, day.Method);
                Assert.Equal(network.ForecastLeads(history, LastDate, day.Lead, day.Lead)[0].Value, day.Value);
            }
        });
    }

    [Fact]
    public void Too_short_a_history_for_a_linear_lead_is_refused_naming_the_days_it_needs()
    {
        ForecastModel model = Model(lead => lead == 5 ? ForecastMethod.Linear : ForecastMethod.Model);

        Assert.Equal(3, model.ForecastLeads(History(Window), LastDate, 1, 3).Count);
        var error = Assert.Throws<ArgumentException>(() => model.ForecastLeads(History(Window), LastDate, 1, 5));
        Assert.Contains("needs the last 81 daily values; 30 were given", error.Message);
        float[] gap = History(100);
        gap[^50] = float.NaN;
        Assert.Contains("not negative", Assert.Throws<ArgumentException>(() => model.ForecastLeads(gap, LastDate, 5, 5)).Message);
    }

    [Fact]
    public void A_forecast_from_observations_reads_the_linear_leads_days_and_rolls_the_network_through_a_gap()
    {
        ForecastModel model = Model(_ => ForecastMethod.Linear);
        float[] values = History(400);
        values[^40] = float.NaN;
        var series = new SunspotSeries(LastDate.AddDays(-399), values, new float[400], new int[400], new bool[400]);
        ObservedSeries observed = ObservedSeries.Combine(series, null, 1, LastDate);

        SunspotForecast forecast = SunspotForecast.FromObservations(model, new ModelSummary("sunspots", 1, DateTimeOffset.UnixEpoch, 0, null, "test"), observed, new DateTimeOffset(LastDate.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), 3);

        float[] filled = model.HistoryEndingAt(values, values.Length - 1, 81);
        Assert.True(float.IsFinite(filled[^40]));
        Assert.Equal(Enumerable.Range(1, 3).Select(lead => MathF.Max(0, model.Linear!.Predict(filled, lead))), forecast.Forecasts.Select(d => d.Value));
    }

    [Fact]
    public void A_warm_linear_forecast_allocates_less_than_a_kilobyte()
    {
        ForecastModel model = Model(_ => ForecastMethod.Linear);
        float[] history = History(100);
        for (int i = 0; i < 100; i++)
        {
            model.Forecast(history, LastDate, 1);
        }

        const int Forecasts = 1000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Forecasts; i++)
        {
            model.Forecast(history, LastDate, 1);
        }

        long perForecast = (GC.GetAllocatedBytesForCurrentThread() - before) / Forecasts;
        Assert.True(perForecast < 1024, $"{perForecast} bytes per forecast");
    }

    [Fact]
    public void A_lead_method_is_the_one_with_the_lowest_validation_error_the_linear_model_included()
    {
        static List<(float, float)> Errs(float error) => [(100 + error, 100), (100 - error, 100)];
        LeadPairs[] leads =
        [
            new(1, Errs(3), Errs(4), Errs(5), Errs(2)),
            new(2, Errs(3), Errs(4), Errs(5), Errs(3)),
            new(3, Errs(3), Errs(1), Errs(5), Errs(2)),
            new(4, Errs(3), Errs(4), Errs(5), []),
        ];

        Assert.Equal([ForecastMethod.Linear, ForecastMethod.Model, ForecastMethod.Persistence, ForecastMethod.Model], LeadEvaluation.ChooseMethods(leads));
    }

    [Fact]
    public void A_model_without_a_linear_forecast_cannot_serve_a_lead_by_it()
    {
        var error = Assert.Throws<ArgumentException>(() => new ForecastModel(
            [SeededNetworks.Managed(new RegressorShape(RecurrentCell.Lstm, 8, 1, 0, 8), 1)], Window, new StandardScaler(80, 60), null, [ForecastMethod.Linear]));
        Assert.Contains("linear model", error.Message);
    }
}
