using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Forecasting;

/// <summary>Forecasts issued on a day answer the days from the day after, whatever the age of the last observation, up to lead 60.</summary>
[Collection(TorchCollection.Name)]
public class SunspotForecastTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    private static readonly DateOnly FileEnd = new(2026, 1, 31);

    private static readonly ModelSummary Summary = new("sunspots", 1, DateTimeOffset.UnixEpoch, 10, null, "test");

    private ForecastModel Model => fixture.Trained.Model;

    private static SunspotSeries File() => SidcParser.Parse(new MemoryStream(
        new SidcCsvBuilder().StartingOn(new DateOnly(2024, 1, 1)).WithDays(FileEnd.DayNumber - new DateOnly(2024, 1, 1).DayNumber + 1).WithProvisionalFrom(new DateOnly(2026, 1, 1)).BuildBytes()));

    private static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    private static ObservedSeries Observations(EisnCsvBuilder? eisn, DateOnly today) =>
        ObservedSeries.Combine(File(), eisn is null ? null : EisnParser.Parse(eisn.BuildBytes(), today), 10, today);

    [Fact]
    public void Mid_month_the_forecast_starts_tomorrow_from_yesterdays_estimate()
    {
        DateOnly today = new(2026, 2, 20);

        SunspotForecast forecast = SunspotForecast.FromObservations(Model, Summary, Observations(new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20), today), Noon(today), 7);

        Assert.Equal(new LastObservation(new DateOnly(2026, 2, 19), new EisnCsvBuilder().ValueOn(new DateOnly(2026, 2, 19)), ObservationKind.Estimate), forecast.LastObservation);
        Assert.Equal(1, forecast.GapDays);
        Assert.Equal(Enumerable.Range(21, 7).Select(d => new DateOnly(2026, 2, d)), forecast.Forecasts.Select(f => f.Date));
        Assert.Equal(Enumerable.Range(2, 7), forecast.Forecasts.Select(f => f.Lead));
        Assert.All(forecast.Forecasts, f => Assert.True(f.Lower <= f.Value && f.Value <= f.Upper));
    }

    [Fact]
    public void Without_an_estimate_the_model_rolls_from_the_files_last_day_through_the_gap()
    {
        DateOnly today = new(2026, 2, 20);

        SunspotForecast forecast = SunspotForecast.FromObservations(Model, Summary, Observations(null, today), Noon(today), 7);

        Assert.Equal(FileEnd, forecast.LastObservation.Date);
        Assert.Equal(ObservationKind.Provisional, forecast.LastObservation.Kind);
        Assert.Equal(20, forecast.GapDays);
        Assert.Equal(new DateOnly(2026, 2, 21), forecast.Forecasts[0].Date);
        Assert.Equal(21, forecast.Forecasts[0].Lead);

        // Lead 21 is the 21st step of the same roll from 2026-01-31.
        IReadOnlyList<ForecastDay> rolled = Model.ForecastLeads(File().Values, FileEnd, 1, 27);
        Assert.Equal(rolled.Skip(20).Take(7), forecast.Forecasts);
    }

    [Fact]
    public void In_the_first_days_of_a_month_a_new_months_estimate_follows_a_gap_the_model_forecasts_through()
    {
        DateOnly today = new(2026, 3, 2);

        SunspotForecast forecast = SunspotForecast.FromObservations(Model, Summary, Observations(new EisnCsvBuilder().From(new DateOnly(2026, 3, 1), 2), today), Noon(today), 3);

        Assert.Equal(new DateOnly(2026, 3, 1), forecast.LastObservation.Date);
        Assert.Equal(ObservationKind.Estimate, forecast.LastObservation.Kind);
        Assert.Equal([2, 3, 4], forecast.Forecasts.Select(f => f.Lead));
        Assert.All(forecast.Forecasts, f => Assert.True(float.IsFinite(f.Value)));
    }

    [Fact]
    public void Days_that_would_need_a_lead_above_sixty_are_refused_naming_the_age()
    {
        DateOnly today = FileEnd.AddDays(55);

        DataTooOldException error = Assert.Throws<DataTooOldException>(() => SunspotForecast.FromObservations(Model, Summary, Observations(null, today), Noon(today), 7));

        Assert.Equal(55, error.AgeDays);
        Assert.Contains("2026-01-31, 55 days before today", error.Message);
        Assert.Contains("a lead of 62 days", error.Message);
        Assert.Equal(60, SunspotForecast.FromObservations(Model, Summary, Observations(null, today), Noon(today), 5).Forecasts[^1].Lead);
    }

    [Fact]
    public void A_persistence_fallback_is_dated_from_tomorrow_too()
    {
        DateOnly today = new(2026, 2, 3);
        var last = new LastObservation(FileEnd, 120, ObservationKind.Provisional);

        SunspotForecast fallback = SunspotForecast.Persistence(last, Noon(today), 2, "no model");

        Assert.True(fallback.Fallback);
        Assert.Equal([new DateOnly(2026, 2, 4), new DateOnly(2026, 2, 5)], fallback.Forecasts.Select(f => f.Date));
        Assert.Equal([4, 5], fallback.Forecasts.Select(f => f.Lead));
        Assert.All(fallback.Forecasts, f => Assert.Equal((120f, ForecastMethod.Persistence), (f.Value, f.Method)));
    }
}
