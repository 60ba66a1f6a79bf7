using System.Text.Json;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Cli.Tests;

/// <summary>
/// <c>sunspots forecast</c> dated from the issue day: with a daily file that ends on 2026-01-31 and
/// an estimate for the first 19 days of February, issued on 2026-02-20.
/// </summary>
[Collection(CliTorchCollection.Name)]
public class ForecastFromTodayTests(TrainedCliModelFixture fixture) : IClassFixture<TrainedCliModelFixture>
{
    private string DataFile => new SidcCsvBuilder().StartingOn(new DateOnly(2020, 1, 1)).WithDays(new DateOnly(2026, 1, 31).DayNumber - new DateOnly(2020, 1, 1).DayNumber + 1)
        .WithProvisionalFrom(new DateOnly(2026, 1, 1)).WriteTo(fixture.Temp, "SN_d_tot_2026.csv");

    private string EisnFile => new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 19).WriteTo(fixture.Temp);

    private static string[] Dates(JsonElement json) => json.GetProperty("forecasts").EnumerateArray().Select(d => d.GetProperty("date").GetString()!).ToArray();

    [Fact]
    public async Task With_the_estimate_the_days_from_tomorrow_start_from_its_last_day()
    {
        CliResult result = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", DataFile, "--eisn", EisnFile, "--today", "2026-02-20", "--days", "7", "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal(Enumerable.Range(21, 7).Select(d => $"2026-02-{d}"), Dates(json));
        Assert.Equal("2026-02-19", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal("estimate", json.GetProperty("lastObservation").GetProperty("kind").GetString());
        Assert.Equal(Enumerable.Range(2, 7), json.GetProperty("forecasts").EnumerateArray().Select(d => d.GetProperty("lead").GetInt32()));
        Assert.All(json.GetProperty("forecasts").EnumerateArray(), d => Assert.True(d.GetProperty("lower").GetDouble() <= d.GetProperty("value").GetDouble()));
    }

    [Fact]
    public async Task Without_the_estimate_the_first_day_is_still_tomorrow_at_lead_21_from_the_files_last_day()
    {
        CliResult result = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", DataFile, "--today", "2026-02-20", "--days", "7", "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal("2026-02-21", Dates(json)[0]);
        Assert.Equal(21, json.GetProperty("forecasts")[0].GetProperty("lead").GetInt32());
        Assert.Equal("2026-01-31", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal("provisional", json.GetProperty("lastObservation").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task Estimate_rows_from_the_issue_day_on_are_ignored()
    {
        CliResult result = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", DataFile, "--eisn", EisnFile, "--today", "2026-02-10", "--json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("2026-02-09", result.Json().GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal(["2026-02-11"], Dates(result.Json()));
    }

    [Fact]
    public async Task Data_too_old_for_lead_sixty_exit_2_with_the_age()
    {
        CliResult result = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", DataFile, "--today", "2026-04-15", "--json");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("2026-01-31, 74 days before today (2026-04-15, UTC)", result.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_malformed_estimate_exits_2_naming_the_line()
    {
        string bad = Path.Combine(fixture.Temp, "bad-eisn.csv");
        await File.WriteAllTextAsync(bad, "2026,02,01,2026.086,  100, 12.5, 30, 35,\n2026,02,03,2026.092,  100, 12.5, 30, 35,\n");

        CliResult result = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", DataFile, "--eisn", bad, "--today", "2026-02-20");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("EISN file, line 2: the dates jump from 2026-02-01 to 2026-02-03", result.Error);
    }

    [Fact]
    public async Task The_chart_option_writes_the_services_svg_and_a_missing_folder_is_a_usage_error()
    {
        string chart = Path.Combine(fixture.Temp, "forecast.svg");

        CliResult result = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", DataFile, "--eisn", EisnFile, "--today", "2026-02-20", "--days", "7", "--chart", chart, "--json");
        CliResult missing = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", DataFile, "--chart", Path.Combine(fixture.Temp, "no-such-folder", "x.svg"));

        Assert.Equal(0, result.ExitCode);
        var svg = System.Xml.Linq.XDocument.Load(chart);
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        string[] texts = [.. svg.Descendants(svg.Root.Name.Namespace + "text").Select(t => t.Value.Trim())];
        Assert.Contains(texts, t => t.StartsWith("Sunspot number: forecast from 2026-02-21", StringComparison.Ordinal));
        Assert.Contains("daily estimate (EISN)", texts);
        Assert.False(File.Exists(chart + ".partial"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no-such-folder", missing.Error);
    }
}
