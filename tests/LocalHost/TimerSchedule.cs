using System.Globalization;

namespace SunspotForecaster.LocalHost;

/// <summary>
/// A timer trigger's schedule as the Functions host reads it: an NCRONTAB expression with six
/// fields ({second} {minute} {hour} {day} {month} {day-of-week}; <c>*</c>, numbers, ranges
/// <c>a-b</c>, steps <c>*/n</c> and <c>a-b/n</c>, lists <c>a,b</c>, month and day names, 0 or 7 for Sunday), or a
/// TimeSpan (<c>hh:mm:ss</c>, the interval from the previous run). Times are UTC, as the host's
/// with no <c>WEBSITE_TIME_ZONE</c>. As in NCRONTAB, a day must match both the day and the
/// day-of-week fields.
/// </summary>
internal sealed class TimerSchedule
{
    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private readonly bool[]? _seconds, _minutes, _hours, _days, _months, _weekdays;
    private readonly TimeSpan? _interval;

    private TimerSchedule(string expression, TimeSpan interval)
    {
        Expression = expression;
        _interval = interval;
    }

    private TimerSchedule(string expression, string[] fields)
    {
        Expression = expression;
        _seconds = Field(fields[0], "second", 0, 59, null);
        _minutes = Field(fields[1], "minute", 0, 59, null);
        _hours = Field(fields[2], "hour", 0, 23, null);
        _days = Field(fields[3], "day", 1, 31, null);
        _months = Field(fields[4], "month", 1, 12, MonthNames);
        _weekdays = Field(fields[5], "day-of-week", 0, 7, DayNames);
        _weekdays[0] |= _weekdays[7]; // 7 is Sunday too, as in NCRONTAB.
    }

    public string Expression { get; }

    /// <summary>Reads <paramref name="expression"/>; a <see cref="FormatException"/> names what is wrong.</summary>
    public static TimerSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        string[] fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length == 1 && TimeSpan.TryParseExact(fields[0], @"hh\:mm\:ss", CultureInfo.InvariantCulture, out TimeSpan interval))
        {
            return interval > TimeSpan.Zero
                ? new TimerSchedule(expression, interval)
                : throw new FormatException($"The schedule '{expression}' is an interval of zero.");
        }

        return fields.Length == 6
            ? new TimerSchedule(expression, fields)
            : throw new FormatException(
                $"The schedule '{expression}' has {fields.Length} fields; an NCRONTAB schedule has six ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}), or it is a TimeSpan hh:mm:ss.");
    }

    /// <summary>The first time after <paramref name="after"/> (UTC) that the schedule names; null when none comes within eight years (the 30th of February).</summary>
    public DateTimeOffset? Next(DateTimeOffset after)
    {
        after = after.ToUniversalTime();
        if (_interval is { } interval)
        {
            return after + interval;
        }

        // Whole seconds, strictly after: a timer that fired at 06:15:00.2 must not fire again at 06:15:00.
        var start = new DateTimeOffset(after.Ticks - (after.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero).AddSeconds(1);
        for (DateOnly day = DateOnly.FromDateTime(start.UtcDateTime); day.Year <= start.Year + 8; day = day.AddDays(1))
        {
            if (!_months![day.Month] || !_days![day.Day] || !_weekdays![(int)day.DayOfWeek])
            {
                continue;
            }

            foreach (int hour in Set(_hours!))
            {
                foreach (int minute in Set(_minutes!))
                {
                    foreach (int second in Set(_seconds!))
                    {
                        var candidate = new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, minute, second)), TimeSpan.Zero);
                        if (candidate >= start)
                        {
                            return candidate;
                        }
                    }
                }
            }
        }

        return null;
    }

    private static IEnumerable<int> Set(bool[] allowed) => Enumerable.Range(0, allowed.Length).Where(i => allowed[i]);

    private bool[] Field(string text, string name, int min, int max, string[]? names)
    {
        var allowed = new bool[max + 1];
        foreach (string part in text.Split(','))
        {
            string range = part;
            int step = 1;
            int slash = part.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                range = part[..slash];
                if (!int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                {
                    throw Bad(name, part, "the step after '/' is a whole number of at least 1");
                }
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else if (range.Split('-') is [string low, string high])
            {
                (from, to) = (Value(low, name, min, max, names), Value(high, name, min, max, names));
                if (from > to)
                {
                    throw Bad(name, part, $"the range runs backwards ({from} > {to})");
                }
            }
            else
            {
                from = Value(range, name, min, max, names);
                to = slash >= 0 ? max : from;
            }

            for (int value = from; value <= to; value += step)
            {
                allowed[value] = true;
            }
        }

        return allowed;

        FormatException Bad(string field, string value, string why) =>
            new($"The schedule '{Expression}': the {field} field's '{value}' is not valid: {why}.");

        int Value(string value, string field, int low, int high, string[]? labels)
        {
            if (labels is not null && Array.FindIndex(labels, l => string.Equals(l, value, StringComparison.OrdinalIgnoreCase)) is var index and >= 0)
            {
                return index + low;
            }

            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= low && number <= high
                ? number
                : throw Bad(field, value, $"a {field} is {low} to {high}{(labels is null ? "" : $" or a name ({labels[0]}, …)")}");
        }
    }
}
