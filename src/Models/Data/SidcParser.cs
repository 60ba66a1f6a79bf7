using System.Globalization;

namespace SunspotForecaster.Models.Data;

/// <summary>
/// Reads WDC-SILSO's daily total sunspot number file (SN_d_tot_V2.0.csv): semicolon-separated,
/// no header, one row per calendar day — year; month; day; decimal date; sunspot number (-1 =
/// missing); standard deviation (-1 = missing); number of observations; definitive marker (1) or
/// provisional (0). Every field is checked; the first bad line ends the read with a
/// <see cref="SidcFormatException"/> that names the line and the reason, so a partial or foreign
/// file never turns into a shorter series.
/// </summary>
public static class SidcParser
{
    private const int FieldCount = 8;
    private const int MaxLineLength = 256;
    private const int BufferSize = 64 * 1024;

    // SILSO writes year + (day of year - 0.5) / days in year with three decimals; allow a day's
    // worth of slack for files that count days from the start of the day instead.
    private const double DecimalDateTolerance = 0.003;

    public static SunspotSeries ParseFile(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Parse(stream);
    }

    public static SunspotSeries Parse(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var builder = new SeriesBuilder(stream.CanSeek ? (int)Math.Min(stream.Length / 30 + 16, 1 << 22) : 1 << 17);
        var buffer = new byte[BufferSize];
        int start = 0;
        int end = 0;
        int lineNumber = 0;
        bool endOfStream = false;
        bool firstLine = true;
        int pendingBlankLine = 0;

        while (true)
        {
            int newline = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (newline < 0 && !endOfStream)
            {
                if (end - start > MaxLineLength)
                {
                    throw new SidcFormatException(lineNumber + 1, $"the line is longer than {MaxLineLength} characters; this is not the SIDC daily file.");
                }

                // Move the partial line to the front and read more.
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                int read = stream.Read(buffer, end, buffer.Length - end);
                if (read == 0)
                {
                    endOfStream = true;
                }

                end += read;
                continue;
            }

            bool terminated = newline >= 0;
            int lineEnd = terminated ? newline : end;
            if (!terminated && lineEnd == start)
            {
                break;
            }

            lineNumber++;
            ReadOnlySpan<byte> line = buffer.AsSpan(start, lineEnd - start);
            start = terminated ? newline + 1 : end;

            if (lineNumber == 1)
            {
                line = SkipByteOrderMark(line);
            }

            if (line.Length > MaxLineLength)
            {
                throw new SidcFormatException(lineNumber, $"the line is longer than {MaxLineLength} characters; this is not the SIDC daily file.");
            }

            if (line.Trim((byte)'\r').Trim((byte)' ').IsEmpty)
            {
                // Blank lines are tolerated only at the very end of the file.
                pendingBlankLine = pendingBlankLine == 0 ? lineNumber : pendingBlankLine;
                continue;
            }

            if (firstLine)
            {
                RejectNonCsv(line, lineNumber);
                firstLine = false;
            }

            if (pendingBlankLine != 0)
            {
                throw new SidcFormatException(pendingBlankLine, "empty line between rows.");
            }

            try
            {
                builder.Add(ParseRow(line, lineNumber, builder.LastDate));
            }
            catch (SidcFormatException e) when (!terminated)
            {
                throw new SidcFormatException(lineNumber, $"the last line is cut short (the download was probably interrupted): {e.Reason}");
            }
        }

        if (builder.Count == 0)
        {
            throw new SidcFormatException(0, "the file is empty; expected rows like '2024;01;31;2024.083;  123; 12.3;  25;0'.");
        }

        return builder.Build();
    }

    private static ReadOnlySpan<byte> SkipByteOrderMark(ReadOnlySpan<byte> line) =>
        line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? line[3..] : line;

    private static void RejectNonCsv(ReadOnlySpan<byte> firstLine, int lineNumber)
    {
        ReadOnlySpan<byte> trimmed = firstLine.TrimStart(" \t\r"u8);
        if (!trimmed.IsEmpty && trimmed[0] == (byte)'<')
        {
            throw new SidcFormatException(lineNumber, "this is an HTML or XML page, not the SIDC CSV file (the server probably answered with an error page instead of the data).");
        }
    }

    private static Row ParseRow(ReadOnlySpan<byte> line, int lineNumber, DateOnly? previous)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        int found = line.Count((byte)';') + 1;
        if (found != FieldCount)
        {
            throw new SidcFormatException(lineNumber, $"expected {FieldCount} fields separated by ';', found {found}.");
        }

        Span<Range> fields = stackalloc Range[FieldCount];
        for (int i = 0, start = 0; i < FieldCount; i++)
        {
            int length = i < FieldCount - 1 ? line[start..].IndexOf((byte)';') : line.Length - start;
            fields[i] = new Range(start, start + length);
            start += length + 1;
        }

        int year = ParseInteger(line[fields[0]], lineNumber, "1 (year)");
        int month = ParseInteger(line[fields[1]], lineNumber, "2 (month)");
        int day = ParseInteger(line[fields[2]], lineNumber, "3 (day)");
        if (year is < 1 or > 9999 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            throw new SidcFormatException(lineNumber, $"{year:0000}-{month:00}-{day:00} is not a calendar date.");
        }

        var date = new DateOnly(year, month, day);
        double decimalDate = ParseNumber(line[fields[3]], lineNumber, "4 (decimal date)");
        double expectedDecimalDate = year + (date.DayOfYear - 0.5) / (DateTime.IsLeapYear(year) ? 366 : 365);
        if (Math.Abs(decimalDate - expectedDecimalDate) > DecimalDateTolerance)
        {
            throw new SidcFormatException(lineNumber, $"field 4 (decimal date) is {decimalDate.ToString(CultureInfo.InvariantCulture)}, which does not match {date:yyyy-MM-dd} ({expectedDecimalDate:0.000}).");
        }

        if (previous is DateOnly before && date != before.AddDays(1))
        {
            string reason = date == before ? $"{date:yyyy-MM-dd} appears twice; the file has one row per day."
                : date < before ? $"{date:yyyy-MM-dd} comes after {before:yyyy-MM-dd}; rows must be in date order."
                : $"the dates jump from {before:yyyy-MM-dd} to {date:yyyy-MM-dd}; the file has one row per calendar day.";
            throw new SidcFormatException(lineNumber, reason);
        }

        float value = ParseMissingOrNonNegative(line[fields[4]], lineNumber, "5 (sunspot number)");
        float standardDeviation = ParseMissingOrNonNegative(line[fields[5]], lineNumber, "6 (standard deviation)");
        int observations = ParseInteger(line[fields[6]], lineNumber, "7 (number of observations)");
        if (observations < 0)
        {
            throw new SidcFormatException(lineNumber, $"field 7 (number of observations) is {observations}; it cannot be negative.");
        }

        // One character, as SILSO writes it: "01" or "+1" is a damaged byte, not a marker.
        ReadOnlySpan<byte> markerText = line[fields[7]].Trim((byte)' ');
        int marker = markerText.Length == 1 ? markerText[0] - '0' : -1;
        if (marker is not (0 or 1))
        {
            throw new SidcFormatException(lineNumber, $"field 8 (definitive marker) is '{Printable(markerText)}'; expected 1 (definitive) or 0 (provisional).");
        }

        return new Row(date, value, standardDeviation, observations, Provisional: marker == 0);
    }

    private static int ParseInteger(ReadOnlySpan<byte> field, int lineNumber, string name)
    {
        ReadOnlySpan<byte> text = field.Trim((byte)' ');
        if (TryReadPlainInteger(text, out long plain) && plain <= int.MaxValue)
        {
            return (int)plain;
        }

        // SILSO never writes a '+' or a "-0": either is a damaged byte, not a number (a minus sign
        // before any other number is read, so that a negative count is named as such).
        if (text.StartsWith("+"u8) || !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            || (value == 0 && text.StartsWith("-"u8)))
        {
            throw new SidcFormatException(lineNumber, $"field {name} is '{Printable(text)}', not a whole number.");
        }

        return value;
    }

    private static double ParseNumber(ReadOnlySpan<byte> field, int lineNumber, string name)
    {
        ReadOnlySpan<byte> text = field.Trim((byte)' ');
        if (TryReadPlainDecimal(text, out double plain))
        {
            return plain;
        }

        // TryParse also accepts "NaN" and "Infinity", which are no sunspot numbers.
        if (text.StartsWith("+"u8)
            || !double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value))
        {
            throw new SidcFormatException(lineNumber, $"field {name} is '{Printable(text)}', not a number.");
        }

        return value;
    }

    // The fast path for the numbers SILSO writes ("2024", "2024.083", "-1", "12.3"): a new instance
    // parses 76,000 rows before its first forecast, and the runtime's general parsers, called from
    // precompiled code, took three quarters of that time. Anything else takes the general path,
    // which also words the errors.
    internal static bool TryReadPlainInteger(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 9)
        {
            return false;
        }

        foreach (byte c in text)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = value * 10 + (c - '0');
        }

        return true;
    }

    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

    // Digits, at most one point, an optional leading minus: at most 15 digits as a whole number
    // divided by a power of ten, both exact in a double, is the correctly rounded value double.Parse gives.
    internal static bool TryReadPlainDecimal(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        bool negative = !text.IsEmpty && text[0] == (byte)'-';
        ReadOnlySpan<byte> digits = negative ? text[1..] : text;
        int point = digits.IndexOf((byte)'.');
        ReadOnlySpan<byte> whole = point < 0 ? digits : digits[..point];
        ReadOnlySpan<byte> fraction = point < 0 ? [] : digits[(point + 1)..];
        if (whole.IsEmpty || whole.Length + fraction.Length > 15 || fraction.Length >= PowersOfTen.Length || !TryReadPlainInteger(whole, out long integer)
            || (point >= 0 && (fraction.IsEmpty || !TryReadPlainInteger(fraction, out _))))
        {
            return false;
        }

        long mantissa = integer;
        foreach (byte c in fraction)
        {
            mantissa = mantissa * 10 + (c - '0');
        }

        value = mantissa / PowersOfTen[fraction.Length];
        value = negative ? -value : value;
        return true;
    }

    /// <summary>
    /// The largest daily sunspot number (and standard deviation) a file may hold: about twice the
    /// highest daily value on record (528). A larger one is a corrupted file, not a stormy Sun, and
    /// would be stored, trained on and served.
    /// </summary>
    public const double MaxDailyValue = 1000;

    // -1 marks a missing value (kept as NaN); any other negative number, or one no day comes near, is an error.
    private static float ParseMissingOrNonNegative(ReadOnlySpan<byte> field, int lineNumber, string name)
    {
        double value = ParseNumber(field, lineNumber, name);
        if (value == -1)
        {
            return float.NaN;
        }

        if (value < 0)
        {
            throw new SidcFormatException(lineNumber, $"field {name} is {value.ToString(CultureInfo.InvariantCulture)}; the only negative value allowed is -1 (missing).");
        }

        if (value > MaxDailyValue)
        {
            throw new SidcFormatException(lineNumber, TooLarge(name, value));
        }

        return (float)value;
    }

    /// <summary>The reason a value above <see cref="MaxDailyValue"/> is refused.</summary>
    internal static string TooLarge(string name, double value) =>
        $"field {name} is {value.ToString(CultureInfo.InvariantCulture)}; no day comes near that (the highest daily number on record is 528; at most {MaxDailyValue.ToString(CultureInfo.InvariantCulture)} is accepted).";

    private static string Printable(ReadOnlySpan<byte> text)
    {
        const int Shown = 40;
        var chars = new char[Math.Min(text.Length, Shown)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = text[i] is >= 0x20 and < 0x7f ? (char)text[i] : '?';
        }

        return text.Length > Shown ? new string(chars) + "…" : new string(chars);
    }

    private readonly record struct Row(DateOnly Date, float Value, float StandardDeviation, int Observations, bool Provisional);

    private sealed class SeriesBuilder(int capacity)
    {
        private readonly List<float> _values = new(capacity);
        private readonly List<float> _standardDeviations = new(capacity);
        private readonly List<int> _observations = new(capacity);
        private readonly List<bool> _provisional = new(capacity);
        private DateOnly _firstDate;

        public DateOnly? LastDate { get; private set; }

        public int Count => _values.Count;

        public void Add(Row row)
        {
            if (Count == 0)
            {
                _firstDate = row.Date;
            }

            _values.Add(row.Value);
            _standardDeviations.Add(row.StandardDeviation);
            _observations.Add(row.Observations);
            _provisional.Add(row.Provisional);
            LastDate = row.Date;
        }

        public SunspotSeries Build() =>
            new(_firstDate, [.. _values], [.. _standardDeviations], [.. _observations], [.. _provisional]);
    }
}
