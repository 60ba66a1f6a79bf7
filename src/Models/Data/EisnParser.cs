using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SunspotForecaster.Models.Data;

/// <summary>
/// Reads SILSO's daily estimate for the current month, EISN_current.csv: comma-separated, numbers
/// padded with spaces, a line may end with a comma — year, month, day, decimal date, estimated
/// sunspot number, estimated standard deviation, number of stations calculated, number of stations
/// available (e.g. <c>2016,7,1,2016.499,0,  0.0,30,31,</c>). As strict as the daily file's reader:
/// the first bad line ends the read with a <see cref="SidcFormatException"/> naming the line — an
/// empty file, an HTML page, a line cut short, a wrong number of fields, a bad number, days that do
/// not follow each other or leave one month, a day after today (UTC).
/// </summary>
public static class EisnParser
{
    public const string FileLabel = "EISN file";

    /// <summary>A month of rows is about 1.5 KB; anything near this is not EISN.</summary>
    public const long MaxBytes = 64 * 1024;

    private const int FieldCount = 8;

    // SILSO writes year + (day of year - 0.5) / days in year with three decimals, as in the daily file.
    private const double DecimalDateTolerance = 0.003;

    /// <exception cref="SidcFormatException">The content is not a valid EISN file.</exception>
    public static EisnFile Parse(byte[] content, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(content);
        string text = Encoding.Latin1.GetString(content);
        if (text.StartsWith("\u00EF\u00BB\u00BF", StringComparison.Ordinal))
        {
            text = text[3..];
        }

        string[] lines = text.Split('\n');
        bool endsWithNewline = text.EndsWith('\n');
        int last = lines.Length - 1;
        while (last >= 0 && lines[last].Trim('\r', ' ', '\t').Length == 0)
        {
            last--;
        }

        if (last < 0)
        {
            throw Error(0, "the file is empty; expected rows like '2026,02,19,2026.136,  112, 14.2, 31, 35,'.");
        }

        var days = new List<EisnEstimate>(last + 1);
        for (int i = 0; i <= last; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].TrimEnd('\r');
            if (i == 0 && line.TrimStart().StartsWith('<'))
            {
                throw Error(lineNumber, "this is an HTML or XML page, not the EISN CSV file (the server probably answered with an error page instead of the data).");
            }

            if (line.Trim().Length == 0)
            {
                throw Error(lineNumber, "empty line between rows.");
            }

            bool cutShort = i == last && !endsWithNewline;
            try
            {
                days.Add(ParseRow(line, lineNumber, days.Count > 0 ? days[^1].Date : null, today));
            }
            catch (SidcFormatException e) when (cutShort)
            {
                throw Error(lineNumber, $"the last line is cut short (the download was probably interrupted): {e.Reason}");
            }
        }

        return new EisnFile(days, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length);
    }

    private static EisnEstimate ParseRow(string line, int lineNumber, DateOnly? previous, DateOnly today)
    {
        string[] fields = line.Split(',');
        if (fields.Length == FieldCount + 1 && fields[^1].Trim().Length == 0)
        {
            fields = fields[..FieldCount]; // the trailing comma SILSO may write
        }

        if (fields.Length != FieldCount)
        {
            throw Error(lineNumber, $"expected {FieldCount} fields separated by ',' (a trailing ',' allowed), found {fields.Length}.");
        }

        int year = Integer(fields[0], lineNumber, "1 (year)");
        int month = Integer(fields[1], lineNumber, "2 (month)");
        int day = Integer(fields[2], lineNumber, "3 (day)");
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            throw Error(lineNumber, $"{year:0000}-{month:00}-{day:00} is not a calendar date.");
        }

        var date = new DateOnly(year, month, day);
        double decimalDate = Number(fields[3], lineNumber, "4 (decimal date)");
        double expected = year + (date.DayOfYear - 0.5) / (DateTime.IsLeapYear(year) ? 366 : 365);
        if (Math.Abs(decimalDate - expected) > DecimalDateTolerance)
        {
            throw Error(lineNumber, $"field 4 (decimal date) is {decimalDate.ToString(CultureInfo.InvariantCulture)}, which does not match {date:yyyy-MM-dd} ({expected:0.000}).");
        }

        if (previous is DateOnly before)
        {
            if (date.Year != before.Year || date.Month != before.Month)
            {
                throw Error(lineNumber, $"{date:yyyy-MM-dd} is not in {before:yyyy-MM}; the file holds one month.");
            }

            if (date != before.AddDays(1))
            {
                throw Error(lineNumber, date <= before
                    ? $"{date:yyyy-MM-dd} comes after {before:yyyy-MM-dd}; rows must be in date order, one per day."
                    : $"the dates jump from {before:yyyy-MM-dd} to {date:yyyy-MM-dd}; the file has one row per day.");
            }
        }

        if (date > today)
        {
            throw Error(lineNumber, $"{date:yyyy-MM-dd} lies after today ({today:yyyy-MM-dd}, UTC); an estimate cannot be of the future.");
        }

        float value = MissingOrNonNegative(fields[4], lineNumber, "5 (estimated sunspot number)");
        float deviation = MissingOrNonNegative(fields[5], lineNumber, "6 (estimated standard deviation)");
        int stations = Integer(fields[6], lineNumber, "7 (stations calculated)");
        int available = Integer(fields[7], lineNumber, "8 (stations available)");
        if (stations < 0 || available < 0 || stations > available)
        {
            throw Error(lineNumber, $"fields 7 and 8 say {stations} stations calculated of {available} available; expected 0 ≤ calculated ≤ available.");
        }

        return new EisnEstimate(date, value, deviation, stations, available);
    }

    private static int Integer(string field, int lineNumber, string name)
    {
        string text = field.Trim();
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw Error(lineNumber, $"field {name} is '{Printable(text)}', not a whole number.");
    }

    private static double Number(string field, int lineNumber, string name)
    {
        string text = field.Trim();
        // TryParse also accepts "NaN" and "Infinity", which are no sunspot numbers.
        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw Error(lineNumber, $"field {name} is '{Printable(text)}', not a number.");
    }

    // -1 marks a missing value (kept as NaN); any other negative number is an error.
    private static float MissingOrNonNegative(string field, int lineNumber, string name)
    {
        double value = Number(field, lineNumber, name);
        return value == -1 ? float.NaN
            : value < 0 ? throw Error(lineNumber, $"field {name} is {value.ToString(CultureInfo.InvariantCulture)}; the only negative value allowed is -1 (missing).")
            : value > SidcParser.MaxDailyValue ? throw Error(lineNumber, SidcParser.TooLarge(name, value))
            : (float)value;
    }

    private static string Printable(string text)
    {
        string shown = new(text.Take(40).Select(c => c is >= ' ' and < '\u007f' ? c : '?').ToArray());
        return text.Length > 40 ? shown + "…" : shown;
    }

    private static SidcFormatException Error(int lineNumber, string reason) => new(FileLabel, lineNumber, reason);
}
