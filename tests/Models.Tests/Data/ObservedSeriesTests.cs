using SunspotForecaster.Models.Data;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Data;

public class ObservedSeriesTests
{
    private static readonly DateOnly FileEnd = new(2026, 1, 31);

    private static SunspotSeries File() => SidcParser.Parse(new MemoryStream(
        new SidcCsvBuilder().StartingOn(new DateOnly(2025, 1, 1)).WithDays(FileEnd.DayNumber - new DateOnly(2025, 1, 1).DayNumber + 1).WithProvisionalFrom(new DateOnly(2026, 1, 1)).BuildBytes()));

    private static EisnFile Eisn(EisnCsvBuilder builder) => EisnParser.Parse(builder.BuildBytes(), new DateOnly(2026, 12, 31));

    [Fact]
    public void The_file_then_the_estimates_after_it_each_day_with_its_kind()
    {
        var estimates = new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 19);

        ObservedSeries series = ObservedSeries.Combine(File(), Eisn(estimates), minStations: 10, today: new DateOnly(2026, 2, 20));

        Assert.Equal(new DateOnly(2026, 2, 19), series.DateAt(series.LastObservedIndex));
        Assert.Equal(estimates.ValueOn(new DateOnly(2026, 2, 19)), series.Values[series.LastObservedIndex]);
        Assert.Equal(ObservationKind.Estimate, series.KindAt(series.IndexOf(new DateOnly(2026, 2, 1))));
        Assert.Equal(ObservationKind.Provisional, series.KindAt(series.IndexOf(FileEnd)));
        Assert.Equal(ObservationKind.Definitive, series.KindAt(series.IndexOf(new DateOnly(2025, 6, 1))));
        Assert.Equal(new EisnUse(19, new DateOnly(2026, 2, 19), null), series.Eisn);
    }

    [Fact]
    public void Where_both_have_a_day_the_file_wins()
    {
        var estimates = new EisnCsvBuilder().From(new DateOnly(2026, 1, 20), 12).WithValues(_ => 999);
        SunspotSeries file = File();

        ObservedSeries series = ObservedSeries.Combine(file, Eisn(estimates), minStations: 10, today: new DateOnly(2026, 2, 20));

        Assert.Equal(file.Values[file.IndexOf(new DateOnly(2026, 1, 25))], series.Values[series.IndexOf(new DateOnly(2026, 1, 25))]);
        Assert.Equal(ObservationKind.Provisional, series.KindAt(series.IndexOf(new DateOnly(2026, 1, 31))));
        Assert.Equal(FileEnd, series.DateAt(series.LastObservedIndex));
        Assert.Equal(0, series.Eisn.DaysUsed);
        Assert.Equal("EISN ends on 2026-01-31, not after the daily file's last day 2026-01-31: nothing to add", series.Eisn.Note);
    }

    [Fact]
    public void Todays_partial_row_and_days_with_too_few_stations_are_left_out()
    {
        var estimates = new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).WithFewStations(new DateOnly(2026, 2, 10), 3);

        ObservedSeries series = ObservedSeries.Combine(File(), Eisn(estimates), minStations: 10, today: new DateOnly(2026, 2, 20));

        Assert.Equal(new DateOnly(2026, 2, 19), series.DateAt(series.LastObservedIndex));
        Assert.True(float.IsNaN(series.Values[series.IndexOf(new DateOnly(2026, 2, 10))]));
        Assert.Equal(18, series.Eisn.DaysUsed);
        Assert.Contains("1 EISN day(s) without a value from at least 10 stations were skipped", series.Eisn.Note);
    }

    [Fact]
    public void An_estimate_of_a_later_month_leaves_the_days_between_missing()
    {
        var estimates = new EisnCsvBuilder().From(new DateOnly(2026, 3, 1), 2);

        ObservedSeries series = ObservedSeries.Combine(File(), Eisn(estimates), minStations: 10, today: new DateOnly(2026, 3, 2));

        Assert.Equal(new DateOnly(2026, 3, 1), series.DateAt(series.LastObservedIndex));
        Assert.True(float.IsNaN(series.Values[series.IndexOf(new DateOnly(2026, 2, 14))]));
        Assert.Equal(1, series.Eisn.DaysUsed);
    }

    [Fact]
    public void Without_an_estimate_the_file_alone_is_used_and_the_note_says_why()
    {
        ObservedSeries series = ObservedSeries.Combine(File(), null, minStations: 10, today: new DateOnly(2026, 2, 20));

        Assert.Equal(FileEnd, series.DateAt(series.LastObservedIndex));
        Assert.Equal("no EISN copy has been stored", series.Eisn.Note);
    }
}
