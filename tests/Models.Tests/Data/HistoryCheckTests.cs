using SunspotForecaster.Models.Data;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Data;

public class HistoryCheckTests
{
    private static readonly DateOnly Start = new(2000, 1, 1);

    private static SunspotSeries Series(int days, DateOnly? provisionalFrom = null, Func<int, float>? values = null)
    {
        var builder = new SidcCsvBuilder().StartingOn(Start).WithDays(days).WithValues(values ?? (i => i % 150));
        if (provisionalFrom is DateOnly from)
        {
            builder.WithProvisionalFrom(from);
        }

        return SidcParser.Parse(new MemoryStream(builder.BuildBytes()));
    }

    [Fact]
    public void A_file_that_appends_days_and_revises_provisional_values_may_replace_the_current_one()
    {
        SunspotSeries current = Series(1000, provisionalFrom: Start.AddDays(970));
        SunspotSeries next = Series(1030, values: i => i >= 970 ? 7 : i % 150);

        Assert.Null(HistoryCheck.Objection(current, next));
    }

    [Fact]
    public void A_file_that_lost_even_its_last_day_is_refused_history_only_moves_forward()
    {
        SunspotSeries current = Series(1000);

        string? objection = HistoryCheck.Objection(current, Series(999));

        Assert.NotNull(objection);
        Assert.Contains($"ends on {Start.AddDays(998):yyyy-MM-dd}, before the current file's last day {Start.AddDays(999):yyyy-MM-dd}", objection);
        Assert.Contains("lost the latest 1 days", objection);
    }

    [Fact]
    public void A_file_that_lost_days_at_its_start_is_refused()
    {
        SunspotSeries current = Series(1000);
        SunspotSeries later = SidcParser.Parse(new MemoryStream(new SidcCsvBuilder().StartingOn(Start.AddDays(10)).WithDays(1000).WithValues(i => (i + 10) % 150).BuildBytes()));

        string? objection = HistoryCheck.Objection(current, later);

        Assert.NotNull(objection);
        Assert.Contains("lost 10 days of history", objection);
    }

    [Fact]
    public void A_file_that_rewrites_a_definitive_value_is_refused_naming_the_day()
    {
        SunspotSeries current = Series(1000, provisionalFrom: Start.AddDays(990));
        SunspotSeries rewritten = Series(1000, values: i => i == 500 ? 999 : i % 150);

        string? objection = HistoryCheck.Objection(current, rewritten);

        Assert.NotNull(objection);
        Assert.Contains($"{Start.AddDays(500):yyyy-MM-dd} from 50 to 999", objection);
    }
}
