using System.Text;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Data;

public class EisnParserTests
{
    private static readonly DateOnly Today = new(2026, 2, 20);

    private static EisnFile Parse(string text) => EisnParser.Parse(Encoding.ASCII.GetBytes(text), Today);

    private static SidcFormatException Rejects(string text) => Assert.Throws<SidcFormatException>(() => Parse(text));

    private static string[] Lines(int days = 19) => new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), days).Build().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string Join(IEnumerable<string> lines) => string.Join('\n', lines) + "\n";

    [Fact]
    public void Reads_padded_rows_with_or_without_the_trailing_comma_and_keeps_the_stations()
    {
        string text = "2016,7,1,2016.499,0,  0.0,30,31,\n2016,07,02,2016.501,   12,  3.5, 28, 33\r\n";

        EisnFile file = EisnParser.Parse(Encoding.ASCII.GetBytes(text), new DateOnly(2016, 7, 31));

        Assert.Equal(new DateOnly(2016, 7, 1), file.FirstDate);
        Assert.Equal(new DateOnly(2016, 7, 2), file.LastDate);
        Assert.Equal(new EisnEstimate(new DateOnly(2016, 7, 2), 12, 3.5f, 28, 33), file.Days[1]);
        Assert.Equal(64, file.Sha256.Length);
    }

    [Fact]
    public void Reads_a_builder_month_with_todays_row()
    {
        EisnFile file = Parse(new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).Build());

        Assert.Equal(20, file.Days.Count);
        Assert.Equal(Today, file.LastDate);
    }

    [Theory]
    [InlineData("", 0, "the file is empty")]
    [InlineData("\n\n", 0, "the file is empty")]
    [InlineData("<!DOCTYPE html><html><body>503</body></html>\n", 1, "HTML")]
    [InlineData("2026,02,01,2026.086,  100, 12.5, 30\n", 1, "expected 8 fields")]
    [InlineData("2026,02,01,2026.086,  100, 12.5, 30, 35, 9,\n", 1, "expected 8 fields")]
    [InlineData("2026,02,01,2026.086,  abc, 12.5, 30, 35,\n", 1, "field 5 (estimated sunspot number) is 'abc'")]
    [InlineData("2026,02,01,2026.086,  NaN, 12.5, 30, 35,\n", 1, "not a number")]
    [InlineData("2026,02,01,2026.086,   -5, 12.5, 30, 35,\n", 1, "the only negative value allowed is -1")]
    [InlineData("2026,02,30,2026.160,  100, 12.5, 30, 35,\n", 1, "2026-02-30 is not a calendar date")]
    [InlineData("2026,02,01,2026.500,  100, 12.5, 30, 35,\n", 1, "does not match 2026-02-01")]
    [InlineData("2026,02,01,2026.086,  100, 12.5, 40, 35,\n", 1, "40 stations calculated of 35 available")]
    [InlineData("2026,02,21,2026.141,  100, 12.5, 30, 35,\n", 1, "2026-02-21 lies after today (2026-02-20, UTC)")]
    public void Refuses_a_bad_file_naming_the_line_and_the_reason(string text, int line, string reason)
    {
        SidcFormatException error = Rejects(text);

        Assert.Equal(line, error.LineNumber);
        Assert.Contains(reason, error.Message);
        Assert.StartsWith(line > 0 ? $"EISN file, line {line}: " : "EISN file: ", error.Message);
    }

    [Fact]
    public void Refuses_a_day_missing_between_rows_or_out_of_order()
    {
        string[] lines = Lines();
        Assert.Contains("the dates jump from 2026-02-04 to 2026-02-06", Rejects(Join(lines.Where((_, i) => i != 4))).Message);
        Assert.Contains("rows must be in date order", Rejects(Join([lines[1], lines[0]])).Message);
        Assert.Contains("line 3", Rejects(Join([lines[0], lines[1], lines[1]])).Message);
    }

    [Fact]
    public void Refuses_days_from_two_months()
    {
        string text = EisnCsvBuilder.Row(new DateOnly(2026, 1, 31), 90, 10, 30, 35) + "\n" + EisnCsvBuilder.Row(new DateOnly(2026, 2, 1), 95, 10, 30, 35) + "\n";

        SidcFormatException error = Rejects(text);

        Assert.Equal(2, error.LineNumber);
        Assert.Contains("is not in 2026-01; the file holds one month", error.Message);
    }

    [Fact]
    public void A_last_line_cut_short_says_the_download_was_interrupted()
    {
        string text = Join(Lines());

        SidcFormatException error = Rejects(text[..^12]);

        Assert.Equal(19, error.LineNumber);
        Assert.Contains("cut short", error.Message);
    }

    [Fact]
    public void A_blank_line_between_rows_is_refused_but_trailing_blank_lines_are_not()
    {
        string[] lines = Lines(3);

        Assert.Contains("empty line between rows", Rejects(Join([lines[0], "", lines[1]])).Message);
        Assert.Equal(3, Parse(Join(lines) + "\n\n").Days.Count);
    }
}
