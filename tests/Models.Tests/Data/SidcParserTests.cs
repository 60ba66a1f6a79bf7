using System.Text;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Data;

public class SidcParserTests
{
    private static SunspotSeries Parse(string text) => SidcParser.Parse(new MemoryStream(Encoding.ASCII.GetBytes(text)));

    private static SidcFormatException Rejects(string text) => Assert.Throws<SidcFormatException>(() => Parse(text));

    private static string[] Lines(int days = 20) => new SidcCsvBuilder().WithDays(days).Build().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string Join(IEnumerable<string> lines) => string.Join('\n', lines) + "\n";

    [Fact]
    public void Reads_every_day_with_missing_days_and_provisional_markers_kept()
    {
        var builder = new SidcCsvBuilder()
            .StartingOn(new DateOnly(1990, 1, 1))
            .WithDays(400)
            .WithMissing(new DateOnly(1990, 1, 5), new DateOnly(1990, 3, 1))
            .WithProvisionalFrom(new DateOnly(1991, 1, 20));

        SunspotSeries series = Parse(builder.Build());

        Assert.Equal(400, series.Count);
        Assert.Equal(new DateOnly(1990, 1, 1), series.FirstDate);
        Assert.Equal(builder.LastDate, series.LastDate);
        Assert.Equal(2, series.MissingDays);
        Assert.True(float.IsNaN(series.Values[4]));
        Assert.Equal(new DateOnly(1990, 3, 1), series.LastMissingDate);
        Assert.Equal(new DateOnly(1990, 3, 2), series.ObservedFrom);
        Assert.Equal(builder.LastDate.DayNumber - new DateOnly(1991, 1, 20).DayNumber + 1, series.ProvisionalDays);
        Assert.Equal(new DateOnly(1991, 1, 20), series.FirstProvisionalDate);
        Assert.False(series.Provisional[0]);
        Assert.True(series.Provisional[^1]);
        Assert.Equal(builder.Values()[10], series.Values[10]);
        Assert.Equal(20, series.ObservationCounts[10]);
        Assert.Equal(5.5f, series.StandardDeviations[10]);
    }

    [Fact]
    public void Reads_the_same_series_through_a_stream_that_delivers_one_byte_at_a_time()
    {
        byte[] bytes = new SidcCsvBuilder().WithDays(3000).BuildBytes();

        SunspotSeries whole = SidcParser.Parse(new MemoryStream(bytes));
        SunspotSeries trickled = SidcParser.Parse(new TrickleStream(bytes));

        Assert.Equal(whole.Count, trickled.Count);
        Assert.True(whole.Values.SequenceEqual(trickled.Values));
    }

    [Fact]
    public void Accepts_windows_line_endings_a_byte_order_mark_trailing_blank_lines_and_a_complete_last_line_without_newline()
    {
        string text = new SidcCsvBuilder().WithDays(30).Build();

        Assert.Equal(30, Parse(text.Replace("\n", "\r\n")).Count);
        Assert.Equal(30, SidcParser.Parse(new MemoryStream(Encoding.UTF8.GetPreamble().Concat(Encoding.ASCII.GetBytes(text)).ToArray())).Count);
        Assert.Equal(30, Parse(text + "\n\n").Count);
        Assert.Equal(30, Parse(text.TrimEnd('\n')).Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \n")]
    public void Rejects_an_empty_file(string text)
    {
        SidcFormatException error = Rejects(text);
        Assert.Equal(0, error.LineNumber);
        Assert.Contains("empty", error.Reason);
    }

    [Fact]
    public void Rejects_an_html_error_page()
    {
        SidcFormatException error = Rejects("<!DOCTYPE html>\n<html><body>503 Service Unavailable</body></html>\n");
        Assert.Equal(1, error.LineNumber);
        Assert.Contains("HTML", error.Reason);
    }

    [Fact]
    public void Rejects_a_last_line_cut_short()
    {
        string text = Join(Lines(20));
        string cut = text[..(text.Length - 12)];

        SidcFormatException error = Rejects(cut);

        Assert.Equal(20, error.LineNumber);
        Assert.Contains("cut short", error.Reason);
    }

    [Fact]
    public void Rejects_a_wrong_column_count_naming_the_line()
    {
        string[] lines = Lines();
        lines[4] = lines[4][..lines[4].LastIndexOf(';')];

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(5, error.LineNumber);
        Assert.Contains("expected 8 fields", error.Reason);
        Assert.Contains("found 7", error.Reason);
        Assert.StartsWith("SIDC file, line 5:", error.Message);
    }

    [Theory]
    [InlineData(4, "  abc", "field 5 (sunspot number)")]
    [InlineData(5, " x.y", "field 6 (standard deviation)")]
    [InlineData(6, "  1.5", "field 7 (number of observations)")]
    [InlineData(3, "2000.0z", "field 4 (decimal date)")]
    [InlineData(4, "  NaN", "field 5 (sunspot number)")]
    // A flipped byte made " +2" of "  2" (found by the property test): SILSO never writes a plus.
    [InlineData(6, "  +2", "field 7 (number of observations)")]
    [InlineData(4, " +50", "field 5 (sunspot number)")]
    [InlineData(1, "+1", "field 2 (month)")]
    // And "  -0" of "   0": SILSO never writes a minus zero.
    [InlineData(6, "  -0", "field 7 (number of observations) is '-0', not a whole number")]
    public void Rejects_a_field_that_is_not_a_number(int field, string value, string expected)
    {
        string[] lines = Lines();
        lines[2] = ReplaceField(lines[2], field, value);

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(3, error.LineNumber);
        Assert.Contains(expected, error.Reason);
    }

    [Fact]
    public void Rejects_an_impossible_date()
    {
        string[] lines = Lines();
        lines[7] = "2023;02;30;2023.160;   50;  5.5;  20;1";

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(8, error.LineNumber);
        Assert.Contains("2023-02-30 is not a calendar date", error.Reason);
    }

    [Theory]
    [InlineData("99999999", "5 (sunspot number)")]
    [InlineData("1000.5", "5 (sunspot number)")]
    public void Rejects_a_value_no_day_comes_near(string value, string field)
    {
        string[] lines = Lines();
        string[] parts = lines[7].Split(';');
        parts[4] = value;
        lines[7] = string.Join(';', parts);

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(8, error.LineNumber);
        Assert.Contains($"field {field} is {value}", error.Reason);
        Assert.Contains("on record is 528", error.Reason);
    }

    [Fact]
    public void Rejects_a_duplicated_date()
    {
        string[] lines = Lines();
        lines[6] = lines[5];

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(7, error.LineNumber);
        Assert.Contains("appears twice", error.Reason);
    }

    [Fact]
    public void Rejects_dates_out_of_order()
    {
        string[] lines = Lines();
        lines[8] = lines[2];

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(9, error.LineNumber);
        Assert.Contains("rows must be in date order", error.Reason);
    }

    [Fact]
    public void Rejects_a_day_that_is_left_out()
    {
        List<string> lines = [.. Lines()];
        lines.RemoveAt(10);

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(11, error.LineNumber);
        Assert.Contains("jump", error.Reason);
    }

    [Theory]
    [InlineData(4, "   -2", "field 5 (sunspot number) is -2")]
    [InlineData(5, " -0.5", "field 6 (standard deviation) is -0.5")]
    [InlineData(6, "  -3", "field 7 (number of observations) is -3")]
    public void Rejects_negative_values_other_than_minus_one(int field, string value, string expected)
    {
        string[] lines = Lines();
        lines[11] = ReplaceField(lines[11], field, value);

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(12, error.LineNumber);
        Assert.Contains(expected, error.Reason);
    }

    [Theory]
    [InlineData("2")]
    // Flipped bytes the property test found: one character is what SILSO writes.
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData("1\0")] // a line end's byte made a NUL, which .NET's number parsing would skip
    public void Rejects_a_marker_that_is_neither_definitive_nor_provisional(string marker)
    {
        string[] lines = Lines();
        lines[0] = ReplaceField(lines[0], 7, marker);

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(1, error.LineNumber);
        Assert.Contains($"field 8 (definitive marker) is '{marker.Replace('\0', '?')}'", error.Reason);
    }

    [Fact]
    public void Rejects_a_decimal_date_that_contradicts_the_date()
    {
        string[] lines = Lines();
        lines[3] = ReplaceField(lines[3], 3, "1951.004");

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(4, error.LineNumber);
        Assert.Contains("does not match", error.Reason);
    }

    [Fact]
    public void Rejects_an_empty_line_between_rows()
    {
        string[] lines = Lines();
        lines[9] = "";

        SidcFormatException error = Rejects(Join(lines));

        Assert.Equal(10, error.LineNumber);
        Assert.Contains("empty line", error.Reason);
    }

    [Fact]
    public void Rejects_binary_content_without_line_breaks()
    {
        byte[] garbage = new byte[100_000];
        new Random(3).NextBytes(garbage);
        garbage = garbage.Select(b => b == (byte)'\n' ? (byte)0 : b).ToArray();

        SidcFormatException error = Assert.Throws<SidcFormatException>(() => SidcParser.Parse(new MemoryStream(garbage)));

        Assert.Equal(1, error.LineNumber);
        Assert.Contains("longer than", error.Reason);
    }

    private static string ReplaceField(string line, int field, string value)
    {
        string[] fields = line.Split(';');
        fields[field] = value;
        return string.Join(';', fields);
    }

    /// <summary>A stream that returns at most one byte per read, to exercise lines split across reads.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));
    }
}
