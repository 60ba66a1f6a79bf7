using System.Text.Json;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Cli.Tests;

public class DataCommandTests : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    // 1985-01-01 .. 2004-12-31, missing days in 1985, provisional from 2004-10-01.
    private string SyntheticFile() => new SidcCsvBuilder()
        .StartingOn(new DateOnly(1985, 1, 1))
        .WithDays(new DateOnly(2005, 1, 1).DayNumber - new DateOnly(1985, 1, 1).DayNumber)
        .WithMissing(new DateOnly(1985, 2, 1), new DateOnly(1985, 6, 30))
        .WithProvisionalFrom(new DateOnly(2004, 10, 1))
        .WriteTo(_temp.Path);

    [Fact]
    public async Task Summarises_a_file_as_one_json_object()
    {
        CliResult result = await CliRunner.RunAsync("data", "--data", SyntheticFile(), "--window", "10", "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal(7305, json.GetProperty("rows").GetInt32());
        Assert.Equal("1985-01-01", json.GetProperty("firstDate").GetString());
        Assert.Equal("2004-12-31", json.GetProperty("lastDate").GetString());
        Assert.Equal(2, json.GetProperty("missingDays").GetInt32());
        Assert.Equal("1985-06-30", json.GetProperty("lastDayWithoutObservations").GetString());
        Assert.Equal(92, json.GetProperty("provisionalDays").GetInt32());
        JsonElement splits = json.GetProperty("splits");
        Assert.Equal("1985-07-01", splits.GetProperty("trainingYears").GetProperty("start").GetString());
        Assert.Equal(5297, splits.GetProperty("trainingYears").GetProperty("days").GetInt32());
        Assert.Equal(3652, splits.GetProperty("validation").GetProperty("days").GetInt32());
        Assert.Equal(3642, splits.GetProperty("validation").GetProperty("windows").GetInt32());
        Assert.Equal(1827, splits.GetProperty("test").GetProperty("days").GetInt32());
        Assert.Equal(1817, splits.GetProperty("test").GetProperty("windows").GetInt32());
    }

    [Fact]
    public async Task Split_dates_and_window_come_from_the_flags()
    {
        CliResult result = await CliRunner.RunAsync("data", "--data", SyntheticFile(), "--json",
            "--train-end", "2001-12-31", "--validation-start", "1999-01-01", "--test-start", "2002-01-01", "--test-end", "2003-12-31", "--window", "30");

        Assert.Equal(0, result.ExitCode);
        JsonElement splits = result.Json().GetProperty("splits");
        Assert.Equal("2001-12-31", splits.GetProperty("validation").GetProperty("end").GetString());
        Assert.Equal(1096, splits.GetProperty("validation").GetProperty("days").GetInt32());
        Assert.Equal(730 - 30, splits.GetProperty("test").GetProperty("windows").GetInt32());
    }

    [Fact]
    public async Task Prints_a_readable_summary_without_json()
    {
        CliResult result = await CliRunner.RunAsync("data", "--data", SyntheticFile());

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("7,305 rows, 1985-01-01 to 2004-12-31", result.Output);
        Assert.Contains("1985-06-30", result.Output);
        Assert.Contains("training years", result.Output);
    }

    [Fact]
    public async Task A_broken_file_exits_2_naming_the_line_and_the_reason()
    {
        string path = SyntheticFile();
        string[] lines = File.ReadAllLines(path);
        lines[41] = lines[41][..^1] + "7";
        File.WriteAllLines(path, lines);

        CliResult result = await CliRunner.RunAsync("data", "--data", path, "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("line 42", result.Error);
        Assert.Contains("definitive marker", result.Error);
        Assert.Equal(2, result.Json().GetProperty("exitCode").GetInt32());
        Assert.Contains("line 42", result.Json().GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("--data", "/nonexistent/SN_d_tot_V2.0.csv")]
    [InlineData("--window", "0")]
    [InlineData("--train-end", "1999-13-01")]
    [InlineData("--test-start", "1990-01-01")]
    [InlineData("--train-start", "1990-01-01")]
    [InlineData("--bogus", "1")]
    public async Task Bad_arguments_exit_2_with_a_message(string flag, string value)
    {
        string[] args = flag == "--data" ? ["data", flag, value] : ["data", "--data", SyntheticFile(), flag, value];

        CliResult result = await CliRunner.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public async Task Reads_the_file_from_an_http_url()
    {
        using var server = new SidcHttpServer(File.ReadAllText(SyntheticFile()));

        CliResult result = await CliRunner.RunAsync("data", "--data", server.Url, "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(7305, result.Json().GetProperty("rows").GetInt32());
    }

    [Fact]
    public async Task An_error_page_from_the_server_is_refused_with_the_reason()
    {
        using var html = new SidcHttpServer("<!DOCTYPE html><html><body>Maintenance</body></html>", contentType: "text/html");
        using var failing = new SidcHttpServer("oops", System.Net.HttpStatusCode.InternalServerError);

        CliResult htmlResult = await CliRunner.RunAsync("data", "--data", html.Url);
        CliResult failingResult = await CliRunner.RunAsync("data", "--data", failing.Url);

        Assert.Equal(2, htmlResult.ExitCode);
        Assert.Contains("HTML", htmlResult.Error);
        Assert.Equal(1, failingResult.ExitCode);
        Assert.Contains("answered 500", failingResult.Error);
    }

    [Fact]
    public async Task Help_and_version_answer_and_exit_0()
    {
        CliResult help = await CliRunner.RunAsync("--help");
        CliResult version = await CliRunner.RunAsync("--version");

        Assert.Equal(0, help.ExitCode);
        Assert.Contains("data", help.Output);
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
    }

    [Fact]
    public void The_built_executable_returns_the_exit_codes_of_the_contract()
    {
        Assert.Equal(0, BuiltCli.Run("data", "--data", SyntheticFile(), "--json").ExitCode);
        Assert.Equal(2, BuiltCli.Run("data", "--window", "x").ExitCode);
    }

    [Fact]
    public async Task Reports_the_documented_counts_of_the_real_file()
    {

        CliResult result = await CliRunner.RunAsync("data", "--data", TestData.RealSidcFile, "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal(76_002, json.GetProperty("rows").GetInt32());
        Assert.Equal("1818-01-01", json.GetProperty("firstDate").GetString());
        Assert.Equal("2026-01-31", json.GetProperty("lastDate").GetString());
        Assert.Equal("1848-12-22", json.GetProperty("lastDayWithoutObservations").GetString());
        JsonElement splits = json.GetProperty("splits");
        Assert.Equal("1945-01-01", splits.GetProperty("trainingYears").GetProperty("start").GetString());
        Assert.Equal(20_088, splits.GetProperty("trainingYears").GetProperty("days").GetInt32());
        Assert.Equal(9_528, splits.GetProperty("test").GetProperty("days").GetInt32());

        // The course's training years: from the first day after the last day without observations.
        CliResult whole = await CliRunner.RunAsync("data", "--data", TestData.RealSidcFile, "--train-start", "1818-01-01", "--json");
        Assert.Equal("1848-12-23", whole.Json().GetProperty("splits").GetProperty("trainingYears").GetProperty("start").GetString());
        Assert.Equal(55_160, whole.Json().GetProperty("splits").GetProperty("trainingYears").GetProperty("days").GetInt32());
    }
}
