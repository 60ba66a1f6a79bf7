using SunspotForecaster.LocalHost;

namespace SunspotForecaster.LocalRun.Tests;

/// <summary>The timers' NCRONTAB schedules as the local run reads them (six fields, UTC), against dates worked out by hand.</summary>
public sealed class TimerScheduleTests
{
    [Theory]
    [InlineData("0 15 6 * * *", "2026-12-03T15:00:00Z", "2026-12-04T06:15:00Z")] // INGEST_SCHEDULE: tomorrow's run
    [InlineData("0 15 6 * * *", "2026-12-03T06:14:59Z", "2026-12-03T06:15:00Z")]
    [InlineData("0 5 * * * *", "2026-12-03T15:04:59.5Z", "2026-12-03T15:05:00Z")] // EISN_SCHEDULE
    [InlineData("0 5 * * * *", "2026-12-03T15:05:00Z", "2026-12-03T16:05:00Z")] // strictly after: not again at once
    [InlineData("0 5 * * * *", "2026-12-31T23:59:00Z", "2027-01-01T00:05:00Z")]
    [InlineData("*/10 * * * * *", "2026-12-03T15:00:01Z", "2026-12-03T15:00:10Z")]
    [InlineData("0 0 12 * * Mon-Fri", "2026-12-05T13:00:00Z", "2026-12-07T12:00:00Z")] // Saturday to Monday
    [InlineData("0 0 12 * * 7", "2026-12-03T00:00:00Z", "2026-12-06T12:00:00Z")] // 7 is Sunday too
    [InlineData("0 30 9 1,15 * *", "2026-12-02T00:00:00Z", "2026-12-15T09:30:00Z")]
    [InlineData("0 0 0 29 Feb *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("0 0 0 13 * 5", "2026-01-01T00:00:00Z", "2026-02-13T00:00:00Z")] // a Friday the 13th: both fields must match
    [InlineData("00:30:00", "2026-12-03T15:00:00Z", "2026-12-03T15:30:00Z")] // a TimeSpan: the interval
    public void The_next_occurrence_is_the_first_time_the_schedule_names_after_the_given_one(string expression, string after, string expected)
    {
        TimerSchedule schedule = TimerSchedule.Parse(expression);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), schedule.Next(DateTimeOffset.Parse(after, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_day_that_never_comes_is_no_occurrence() =>
        Assert.Null(TimerSchedule.Parse("0 0 0 31 2 *").Next(DateTimeOffset.UnixEpoch));

    [Theory]
    [InlineData("0 15 6 * *", "has 5 fields; an NCRONTAB schedule has six")]
    [InlineData("60 * * * * *", "the second field's '60' is not valid: a second is 0 to 59")]
    [InlineData("0 0 25 * * *", "the hour field's '25' is not valid")]
    [InlineData("0 0 0 * 13 *", "the month field's '13' is not valid: a month is 1 to 12 or a name")]
    [InlineData("0 0 0 * * Sunday", "the day-of-week field's 'Sunday' is not valid")]
    [InlineData("0 */0 * * * *", "the step after '/' is a whole number of at least 1")]
    [InlineData("0 0 10-2 * * *", "the range runs backwards")]
    [InlineData("00:00:00", "an interval of zero")]
    public void A_schedule_that_is_not_one_is_refused_naming_the_field(string expression, string message)
    {
        FormatException error = Assert.Throws<FormatException>(() => TimerSchedule.Parse(expression));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(expression, error.Message, StringComparison.Ordinal);
    }
}
