using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Tests.Forecasting;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Evaluation;

/// <summary><c>sunspots replay</c>'s figures against computations done independently of it.</summary>
[Collection(TorchCollection.Name)]
public class ReplayTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    private static readonly ModelSummary Summary = new("sunspots", null, DateTimeOffset.UnixEpoch, 10, null, "test");

    private ForecastModel Model => fixture.Trained.Model;

    [Fact]
    public void On_a_ramp_the_baselines_errors_are_known_exactly()
    {
        // One unit more every day: persistence misses lead L by L, the 27-day mean (13 units below
        // the last day) by L + 13.
        // (900 days: the ramp stays below the readers' 1,000.)
        SunspotSeries ramp = SidcParser.Parse(new MemoryStream(new SidcCsvBuilder().StartingOn(new DateOnly(2000, 1, 1)).WithDays(900).WithValues(i => 10 + i).BuildBytes()));

        ReplayReport report = Replay.Run(Model, Summary, ramp, new DateOnly(2001, 1, 1), new DateOnly(2001, 12, 31), windowDays: 90, demotionMinCount: 60);

        Assert.Equal(365, report.Days);
        foreach (ReplayLead lead in report.ByLead)
        {
            Assert.Equal(365, lead.N);
            Assert.Equal(lead.Lead, lead.PersistenceRmse!.Value, 6);
            Assert.Equal(lead.Lead + 13, lead.RotationMeanRmse!.Value, 6);
        }
    }

    [Fact]
    public void A_reversed_range_is_named_as_reversed_not_as_outside_the_data()
    {
        SunspotSeries series = fixture.Series;

        var replay = Assert.Throws<ArgumentException>(() => Replay.Run(Model, Summary, series, series.LastDate, series.LastDate.AddDays(-9), windowDays: 90, demotionMinCount: 60));
        var score = Assert.Throws<ArgumentException>(() => ForecastEvaluator.Score(Model, series, series.LastDate, series.LastDate.AddDays(-9), leads: null));

        Assert.Contains("before it starts", replay.Message);
        Assert.Contains("--from before --to", replay.Message);
        Assert.Contains("before it starts", score.Message);
    }

    [Fact]
    public void The_linear_models_errors_are_those_of_its_forecasts_from_the_days_known_on_each_issue_day()
    {
        SunspotSeries series = fixture.Series;
        DateOnly from = series.LastDate.AddDays(-120), to = series.LastDate.AddDays(-31);

        ReplayReport report = Replay.Run(Model, Summary, series, from, to, windowDays: 90, demotionMinCount: 60);

        foreach (int lead in new[] { 1, 7, 30 })
        {
            double squared = 0;
            int n = 0;
            for (DateOnly day = from; day <= to; day = day.AddDays(1))
            {
                int issue = series.IndexOf(day);
                float forecast = MathF.Max(0, Model.Linear!.Predict(series.Values[..(issue + 1)], lead));
                double error = series.Values[issue + lead] - forecast;
                squared += error * error;
                n++;
            }

            Assert.Equal(Math.Sqrt(squared / n), report.ByLead[lead - 1].LinearRmse!.Value, 9);
        }
    }

    [Fact]
    public void Days_whose_targets_lie_beyond_the_file_are_not_scored()
    {
        SunspotSeries series = fixture.Series;

        ReplayReport report = Replay.Run(Model, Summary, series, series.LastDate.AddDays(-9), series.LastDate, windowDays: 90, demotionMinCount: 60);

        Assert.Equal(10, report.Days);
        Assert.Equal(9, report.ByLead[0].N);
        Assert.Equal(1, report.ByLead[8].N);
        Assert.Equal(0, report.ByLead[9].N);
        Assert.Null(report.ByLead[9].Rmse);
    }

    [Fact]
    public async Task On_the_real_file_persistence_at_leads_1_7_and_27_equals_an_independent_computation_on_the_same_targets()
    {
        SunspotSeries file = (await SidcSource.LoadAsync(TestData.RealSidcFile)).Series;
        DateOnly from = new(2024, 1, 1), to = new(2025, 12, 31);

        ReplayReport report = Replay.Run(Model, Summary, file, from, to, windowDays: 90, demotionMinCount: 60);

        foreach (int lead in new[] { 1, 7, 27 })
        {
            double squared = 0;
            int n = 0;
            for (DateOnly day = from; day <= to; day = day.AddDays(1))
            {
                DateOnly target = day.AddDays(lead);
                if (target <= file.LastDate)
                {
                    double error = file.Values[file.IndexOf(target)] - file.Values[file.IndexOf(day)];
                    squared += error * error;
                    n++;
                }
            }

            Assert.Equal(n, report.ByLead[lead - 1].N);
            Assert.Equal(Math.Sqrt(squared / n), report.ByLead[lead - 1].PersistenceRmse!.Value, 9);
        }
    }
}
