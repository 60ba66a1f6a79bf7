using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CsCheck;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Testing;
using Xunit.Abstractions;

namespace SunspotForecaster.Models.Tests.Data;

/// <summary>
/// Generated SIDC files and mutations of them: every input either parses to exactly what a plain,
/// independent reading of its lines gives, or fails with a <see cref="SidcFormatException"/> that
/// names a line of the input. Nothing else is thrown, and nothing hangs.
/// </summary>
public class SidcParserPropertyTests(ITestOutputHelper output)
{
    private const int Files = 10_000;

    private static readonly string[] MutationKinds = ["cut", "flip byte", "swap lines", "duplicate line", "empty field", "CRLF", "BOM", "trailing separator"];

    /// <summary>A valid file as SILSO writes it: rows from a random day, values (some missing), deviations, observation counts, a provisional tail; LF or CRLF, with or without a final newline.</summary>
    private static readonly Gen<string> ValidFile =
        Gen.Select(Gen.Int[1818, 2100], Gen.Int[1, 365], Gen.Int[1, 400], Gen.Int, Gen.Bool, Gen.Bool)
            .Select((year, dayOfYear, days, seed, crlf, finalNewline) =>
            {
                var random = new Random(seed);
                DateOnly start = new DateOnly(year, 1, 1).AddDays(dayOfYear - 1);
                int provisionalFrom = random.Next(days + 1);
                var text = new StringBuilder();
                for (int i = 0; i < days; i++)
                {
                    bool missing = random.Next(20) == 0;
                    float value = missing ? -1 : random.Next(0, 500);
                    float deviation = missing ? -1 : MathF.Round((float)random.NextDouble() * 40, 1);
                    text.Append(SidcCsvBuilder.Row(start.AddDays(i), value, deviation, missing ? 0 : random.Next(1, 90), i >= provisionalFrom ? 0 : 1));
                    if (i < days - 1 || finalNewline)
                    {
                        text.Append(crlf ? "\r\n" : "\n");
                    }
                }

                return text.ToString();
            });

    [Fact]
    public async Task Ten_thousand_generated_files_parse_to_what_a_plain_reading_of_their_lines_gives()
    {
        int rows = 0;
        await Within(() => ValidFile.Sample(text =>
        {
            SunspotSeries parsed = SidcParser.Parse(Stream(Encoding.ASCII.GetBytes(text)));
            AssertSame(Reference(text) ?? throw new InvalidOperationException("The reference reading refused a generated file."), parsed);
            Interlocked.Add(ref rows, parsed.Count);
        }, iter: Files));

        output.WriteLine($"{Files:N0} generated files, {rows:N0} rows: all parsed to the reference reading.");
    }

    [Fact]
    public async Task Ten_thousand_mutated_files_parse_to_the_reference_reading_or_fail_naming_a_line()
    {
        var accepted = new ConcurrentDictionary<string, int>();
        var refused = new ConcurrentDictionary<string, int>();
        Gen<(string Kind, byte[] Bytes)> mutated = Gen.Select(ValidFile, Gen.Int[0, MutationKinds.Length - 1], Gen.Int)
            .Select((text, kind, seed) => (MutationKinds[kind], Mutate(Encoding.ASCII.GetBytes(text), MutationKinds[kind], new Random(seed))));

        await Within(() => mutated.Sample(sample =>
        {
            (string kind, byte[] bytes) = sample;
            SunspotSeries parsed;
            try
            {
                parsed = SidcParser.Parse(Stream(bytes));
            }
            catch (SidcFormatException e)
            {
                int lines = bytes.Count(b => b == (byte)'\n') + 1;
                Assert.InRange(e.LineNumber, 0, lines);
                Assert.StartsWith(e.LineNumber > 0 ? $"SIDC file, line {e.LineNumber}: " : "SIDC file: ", e.Message);
                refused.AddOrUpdate(kind, 1, (_, n) => n + 1);
                return;
            }

            // Accepted: it must be what the lines say, read the plain way.
            string text = Encoding.Latin1.GetString(bytes);
            AssertSame(Reference(text) ?? throw new InvalidOperationException($"The parser accepted a file ({kind}) that the reference reading refuses."), parsed);
            accepted.AddOrUpdate(kind, 1, (_, n) => n + 1);
        }, iter: Files));

        output.WriteLine($"{Files:N0} mutated files: {accepted.Values.Sum():N0} parsed to the reference reading, {refused.Values.Sum():N0} refused naming a line, nothing else.");
        foreach (string kind in MutationKinds)
        {
            output.WriteLine($"  {kind,-20} accepted {accepted.GetValueOrDefault(kind),5:N0}  refused {refused.GetValueOrDefault(kind),5:N0}");
        }

        // A file with two rows of one day, or two days out of order, is never accepted.
        Assert.Equal(0, accepted.GetValueOrDefault("duplicate line"));
        Assert.True(refused.GetValueOrDefault("empty field") > 0 && accepted.GetValueOrDefault("empty field") == 0);
    }

    private static async Task Within(Action sampling)
    {
        Task run = Task.Run(sampling);
        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(3))));
        await run;
    }

    private static MemoryStream Stream(byte[] bytes) => new(bytes, writable: false);

    private static byte[] Mutate(byte[] file, string kind, Random random)
    {
        List<byte[]> lines = Split(file);
        switch (kind)
        {
            case "cut":
                return file[..random.Next(file.Length + 1)];
            case "flip byte":
                byte[] flipped = [.. file];
                flipped[random.Next(flipped.Length)] ^= (byte)random.Next(1, 256);
                return flipped;
            case "swap lines" when lines.Count > 1:
                int a = random.Next(lines.Count - 1);
                (lines[a], lines[a + 1]) = (lines[a + 1], lines[a]);
                return Join(lines);
            case "duplicate line":
                int d = random.Next(lines.Count);
                lines.Insert(d, lines[d]);
                return Join(lines);
            case "empty field":
                int e = random.Next(lines.Count);
                string[] fields = Encoding.ASCII.GetString(lines[e]).TrimEnd('\r').Split(';');
                fields[random.Next(fields.Length)] = random.Next(2) == 0 ? "" : "   ";
                lines[e] = Encoding.ASCII.GetBytes(string.Join(';', fields));
                return Join(lines);
            case "CRLF":
                return Join(lines.Select(l => l.Length > 0 && l[^1] == '\r' ? l : [.. l, (byte)'\r']).ToList());
            case "BOM":
                return [0xEF, 0xBB, 0xBF, .. file];
            case "trailing separator":
                int t = random.Next(lines.Count);
                lines[t] = [.. lines[t].Where(b => b != '\r'), (byte)';'];
                return Join(lines);
            default:
                return file;
        }
    }

    private static List<byte[]> Split(byte[] file)
    {
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < file.Length; i++)
        {
            if (file[i] == '\n')
            {
                lines.Add(file[start..i]);
                start = i + 1;
            }
        }

        if (start < file.Length)
        {
            lines.Add(file[start..]);
        }

        return lines;
    }

    private static byte[] Join(List<byte[]> lines) => [.. lines.SelectMany(l => l.Append((byte)'\n'))];

    private static void AssertSame(ReferenceSeries expected, SunspotSeries parsed)
    {
        Assert.Equal(expected.First, parsed.FirstDate);
        Assert.Equal(expected.Values, parsed.Values.ToArray());
        Assert.Equal(expected.Deviations, parsed.StandardDeviations.ToArray());
        Assert.Equal(expected.Observations, parsed.ObservationCounts.ToArray());
        Assert.Equal(expected.Provisional, parsed.Provisional.ToArray());
    }

    /// <summary>
    /// The plain reading: a byte-order mark and white space at the end of the file are ignored; each
    /// line, without its carriage return, is eight fields split on ';'; -1 is missing. Null when the
    /// lines are not that, or the days do not follow each other.
    /// </summary>
    private static ReferenceSeries? Reference(string text)
    {
        text = text.StartsWith('\uFEFF') ? text[1..] : text.StartsWith("\u00EF\u00BB\u00BF", StringComparison.Ordinal) ? text[3..] : text;
        string[] lines = text.TrimEnd('\n', '\r', ' ').Split('\n');
        var values = new List<float>();
        var deviations = new List<float>();
        var observations = new List<int>();
        var provisional = new List<bool>();
        DateOnly? first = null;
        foreach (string raw in lines)
        {
            string[] f = raw.TrimEnd('\r').Split(';');
            if (f.Length != 8
                || !int.TryParse(f[0], NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int year)
                || !int.TryParse(f[1], NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int month)
                || !int.TryParse(f[2], NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int day)
                || !DateOnly.TryParseExact($"{year:0000}-{month:00}-{day:00}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date)
                || !float.TryParse(f[4], NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
                || !float.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out float deviation)
                || !int.TryParse(f[6], NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int count)
                || f[7].Trim() is not ("0" or "1")
                || value > SidcParser.MaxDailyValue || deviation > SidcParser.MaxDailyValue)
            {
                return null;
            }

            first ??= date;
            if (date != first.Value.AddDays(values.Count))
            {
                return null;
            }

            values.Add(value == -1 ? float.NaN : value);
            deviations.Add(deviation == -1 ? float.NaN : deviation);
            observations.Add(count);
            provisional.Add(f[7].Trim() == "0");
        }

        return first is null ? null : new ReferenceSeries(first.Value, [.. values], [.. deviations], [.. observations], [.. provisional]);
    }

    private sealed record ReferenceSeries(DateOnly First, float[] Values, float[] Deviations, int[] Observations, bool[] Provisional);

    /// <summary>
    /// The parser's fast path for plain numbers gives bit for bit what the runtime's parser gives,
    /// or declines (and the runtime's parser decides): texts of digits, points and signs, long and short.
    /// </summary>
    [Fact]
    public void Plain_numbers_read_exactly_as_the_runtime_reads_them()
    {
        Gen<string> numberText = Gen.Select(Gen.Bool, Gen.String[Gen.Char["0123456789"], 0, 17], Gen.Int[-1, 9], Gen.Bool)
            .Select((negative, digits, point, plus) =>
                (plus ? "+" : negative ? "-" : "") + (point >= 0 && point <= digits.Length ? digits.Insert(point, ".") : digits));

        numberText.Sample(text =>
        {
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            bool runtimeReads = double.TryParse(bytes, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double expected);
            if (SidcParser.TryReadPlainDecimal(bytes, out double value))
            {
                Assert.True(runtimeReads, $"'{text}' was read as {value}, which the runtime refuses");
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(value));
            }

            bool integerReads = int.TryParse(bytes, NumberStyles.None, CultureInfo.InvariantCulture, out int whole);
            if (SidcParser.TryReadPlainInteger(bytes, out long plain))
            {
                Assert.True(integerReads, $"'{text}' was read as the whole number {plain}, which the runtime refuses");
                Assert.Equal(whole, plain);
            }
        }, iter: 100_000);
    }
}
