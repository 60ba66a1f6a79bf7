using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Cli.Tests;

/// <summary>The pipeline's commands, run in-process against Azurite with names of their own.</summary>
[Collection(AzuriteCollection.Name)]
public class StorageCommandsTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TemporaryDirectory _temp = new();
    private readonly string _runsTable = UniqueNames.Table("runs");

    public void Dispose() => _temp.Dispose();

    private IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:Blobs"] = azurite.ConnectionString,
        ["Storage:Tables"] = azurite.ConnectionString,
        ["Storage:Queues"] = azurite.ConnectionString,
        ["Storage:RawContainer"] = _rawContainer,
        ["Storage:ModelsContainer"] = _modelsContainer,
        ["Storage:IngestRunsTable"] = _runsTable,
        ["Storage:ModelVersionsTable"] = _versionsTable,
        ["Storage:ModelAliasesTable"] = _aliasesTable,
        ["Promotion:CarEnumerationMaxLength"] = "8",
    }).Build();

    private readonly string _rawContainer = UniqueNames.Container("raw");
    private readonly string _modelsContainer = UniqueNames.Container("models");
    private readonly string _versionsTable = UniqueNames.Table("versions");
    private readonly string _aliasesTable = UniqueNames.Table("aliases");

    private async Task<(int ExitCode, JsonElement Json, string Error)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = await SunspotsCli.RunAsync([.. args, "--json"], output, error, Configuration());
        using var document = JsonDocument.Parse(output.ToString());
        return (exitCode, document.RootElement.Clone(), error.ToString());
    }

    // 1975-01-01 .. 2003-12-31: training years before 2000, test range 2000..2003.
    private static string Synthetic(int days = 10_592) =>
        new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(days).WithProvisionalFrom(new DateOnly(1975, 1, 1).AddDays(days - 30)).Build();

    [Fact]
    public async Task Ingest_downloads_conditionally_and_an_unchanged_file_costs_a_304()
    {
        using var server = new SidcHttpServer(Synthetic(), etag: "\"silso-1\"");

        var first = await Run("ingest", "--source", server.Url);
        var second = await Run("ingest", "--source", server.Url);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal("Stored", first.Json.GetProperty("outcome").GetString());
        Assert.True(first.Json.GetProperty("changed").GetBoolean());
        Assert.Equal(0, second.ExitCode);
        Assert.Equal("Unchanged", second.Json.GetProperty("outcome").GetString());
        Assert.Equal(1, server.NotModifiedAnswers);
    }

    [Fact]
    public async Task A_revision_of_definitive_values_is_quarantined_until_an_operator_accepts_it_and_later_files_then_pass()
    {
        string original = Synthetic();
        // SILSO revises one definitive day of 1980; the file is otherwise the same.
        static string Revised(string text) => string.Join('\n', text.Split('\n').Select(line =>
            line.StartsWith("1980;06;15;", StringComparison.Ordinal) ? string.Join(';', [.. line.Split(';')[..4], "  321", .. line.Split(';')[5..]]) : line));
        Assert.NotEqual(original, Revised(original));

        string originalPath = Path.Combine(_temp.Path, "a.csv");
        WriteAll(originalPath, original);
        Assert.Equal(0, (await Run("ingest", "--source", originalPath)).ExitCode);
        string revisedPath = Path.Combine(_temp.Path, "b.csv");
        WriteAll(revisedPath, Revised(original));
        var refused = await Run("ingest", "--source", revisedPath);
        Assert.Equal("Quarantined", refused.Json.GetProperty("outcome").GetString());
        string blob = refused.Json.GetProperty("blobName").GetString()!;
        Assert.StartsWith("quarantine/", blob, StringComparison.Ordinal);

        var wrong = await Run("ingest", "--accept", "SN_d_tot_V2.0/nothing.csv");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("not a quarantined file", wrong.Error, StringComparison.Ordinal);

        var accepted = await Run("ingest", "--accept", blob);
        Assert.Equal(0, accepted.ExitCode);
        Assert.Equal("Stored", accepted.Json.GetProperty("outcome").GetString());
        Assert.Contains("accepted by an operator", accepted.Json.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("1980-06-15", accepted.Json.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // The next month's file carries the revision too, and passes on its own.
        string nextPath = Path.Combine(_temp.Path, "c.csv");
        WriteAll(nextPath, Revised(Synthetic(10_622)));
        Assert.Equal("Stored", (await Run("ingest", "--source", nextPath)).Json.GetProperty("outcome").GetString());
    }

    private static void WriteAll(string path, string text) => File.WriteAllText(path, text);

    [Fact]
    public async Task Ingest_of_an_error_page_or_a_failing_server_stores_nothing_and_says_why()
    {
        using var html = new SidcHttpServer("<html><body>Down for maintenance</body></html>", contentType: "text/html");
        using var failing = new SidcHttpServer("oops", HttpStatusCode.ServiceUnavailable);

        var invalid = await Run("ingest", "--source", html.Url);
        var failed = await Run("ingest", "--source", failing.Url);

        Assert.Equal(2, invalid.ExitCode);
        Assert.Equal("Invalid", invalid.Json.GetProperty("outcome").GetString());
        Assert.Contains("HTML", invalid.Json.GetProperty("reason").GetString());
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("answered 503", failed.Error);
        var runs = azurite.TableServiceClient.GetTableClient(_runsTable).Query<TableEntity>().Select(r => r.GetString("Outcome")).ToList();
        Assert.Equal(["Failed", "Invalid"], runs);
    }

    [Fact]
    public async Task Models_commands_refuse_unknown_models_and_versions()
    {
        var unknownModel = await Run("models", "list", "--name", "unicorns");
        var unknownVersion = await Run("models", "promote", "--name", "sunspots", "--version", "4");

        Assert.Equal(2, unknownModel.ExitCode);
        Assert.Contains("'unicorns' is not one of sunspots, cars", unknownModel.Error);
        Assert.Equal(2, unknownVersion.ExitCode);
        Assert.Contains("has no version 4", unknownVersion.Error);
    }

    [Fact]
    public async Task Pipeline_trains_registers_promotes_and_forecasts_tomorrow_then_does_nothing_for_the_same_data()
    {
        // As SILSO publishes them on any day: the daily file up to the end of last month, the
        // estimate for this month up to today (today's row partial).
        DateOnly today = DateOnly.FromDateTime(DateTime.UtcNow);
        DateOnly monthStart = new(today.Year, today.Month, 1);
        string file = Path.Combine(_temp.Path, "SN_d_tot_V2.0.csv");
        await File.WriteAllTextAsync(file, new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(monthStart.DayNumber - new DateOnly(1975, 1, 1).DayNumber)
            .WithProvisionalFrom(monthStart.AddMonths(-1)).Build());
        string eisn = new EisnCsvBuilder().From(monthStart, today.Day).WriteTo(_temp.Path);

        string pages = Path.Combine(_temp.Path, "pages");
        var first = await Run("pipeline", "run", "--source", file, "--eisn-source", eisn, "--page-dir", pages);
        var second = await Run("pipeline", "run", "--source", file, "--eisn-source", eisn, "--page-dir", pages);
        var models = await Run("models", "list", "--name", "sunspots");
        var skill = await Run("skill");
        var show = await Run("models", "show", "--name", "sunspots", "--version", "1");
        var promote = await Run("models", "promote", "--name", "sunspots", "--version", "1");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal("Stored", first.Json.GetProperty("ingest").GetProperty("outcome").GetString());
        JsonElement[] steps = first.Json.GetProperty("steps").EnumerateArray().ToArray();
        Assert.All(steps, s => Assert.Equal("Trained", s.GetProperty("outcome").GetString()));
        Assert.All(steps, s => Assert.True(s.GetProperty("promoted").GetBoolean(), s.GetProperty("message").GetString()));
        Assert.Equal(1, first.Json.GetProperty("champion").GetInt32());
        Assert.Equal("Stored", first.Json.GetProperty("eisn").GetProperty("outcome").GetString());
        JsonElement forecast = first.Json.GetProperty("forecast");
        Assert.Equal($"{today.AddDays(1):yyyy-MM-dd}", forecast.GetProperty("forecasts")[0].GetProperty("date").GetString());
        Assert.Equal($"{today.AddDays(-1):yyyy-MM-dd}", forecast.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal(today.Day == 1 ? "provisional" : "estimate", forecast.GetProperty("lastObservation").GetProperty("kind").GetString());
        Assert.InRange(forecast.GetProperty("forecasts")[0].GetProperty("value").GetDouble(), 0, 400);
        Assert.Equal(JsonValueKind.Null, first.Json.GetProperty("latest").ValueKind);
        Assert.Contains("<html", await File.ReadAllTextAsync(first.Json.GetProperty("page").GetString()!));
        Assert.StartsWith("<svg", await File.ReadAllTextAsync(first.Json.GetProperty("chart").GetString()!));
        Assert.Equal(pages, Path.GetDirectoryName(first.Json.GetProperty("page").GetString()));

        Assert.Equal(0, second.ExitCode);
        Assert.Equal("Unchanged", second.Json.GetProperty("ingest").GetProperty("outcome").GetString());
        Assert.Equal("Unchanged", second.Json.GetProperty("eisn").GetProperty("outcome").GetString());
        Assert.All(second.Json.GetProperty("steps").EnumerateArray(), s => Assert.Equal("skipped", s.GetProperty("outcome").GetString()));
        Assert.Equal(1, models.Json.GetProperty("champion").GetInt32());
        Assert.Single(models.Json.GetProperty("versions").EnumerateArray());

        // One registry row, and the champion a promotion makes (docs/contracts.md).
        Assert.Equal(0, show.ExitCode);
        Assert.Equal("sunspots", show.Json.GetProperty("name").GetString());
        Assert.Equal(1, show.Json.GetProperty("version").GetInt32());
        Assert.Equal("promoted", show.Json.GetProperty("status").GetString());
        Assert.Equal(first.Json.GetProperty("ingest").GetProperty("sha256").GetString(), show.Json.GetProperty("dataSha256").GetString());
        Assert.Matches("^[0-9a-f]{64}$", show.Json.GetProperty("manifestSha256").GetString());
        Assert.Matches("^[0-9a-f]{64}$", show.Json.GetProperty("weightsSha256").GetString());
        Assert.True(show.Json.GetProperty("weightsBytes").GetInt64() > 0);
        Assert.True(show.Json.GetProperty("testRmse").GetDouble() > 0);
        Assert.Equal(0, promote.ExitCode);
        Assert.Equal("sunspots", promote.Json.GetProperty("name").GetString());
        Assert.Equal(1, promote.Json.GetProperty("version").GetInt32());
        Assert.True(promote.Json.TryGetProperty("promotedAt", out _));
        Assert.False(string.IsNullOrEmpty(promote.Json.GetProperty("reason").GetString()));

        // The live skill report's fields (docs/contracts.md), the window ending today.
        Assert.Equal(0, skill.ExitCode);
        Assert.Equal("sunspots", skill.Json.GetProperty("model").GetString());
        Assert.Equal(1, skill.Json.GetProperty("champion").GetInt32());
        Assert.Equal($"{today:yyyy-MM-dd}", skill.Json.GetProperty("to").GetString());
        Assert.Equal(skill.Json.GetProperty("windowDays").GetInt32(), today.DayNumber - DateOnly.Parse(skill.Json.GetProperty("from").GetString()!, System.Globalization.CultureInfo.InvariantCulture).DayNumber);
        Assert.Equal(JsonValueKind.Array, skill.Json.GetProperty("lines").ValueKind);
        Assert.True(skill.Json.TryGetProperty("championTest", out _));
    }

    [Fact]
    public async Task With_data_too_old_for_tomorrow_the_pipeline_shows_the_latest_forecast_they_allow_dated_as_such()
    {
        // A daily file whose last day is 200 days ago and no estimate: nothing can be forecast from tomorrow.
        DateOnly last = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-200);
        var start = new DateOnly(1975, 1, 1);
        string file = Path.Combine(_temp.Path, "old.csv");
        await File.WriteAllTextAsync(file, new SidcCsvBuilder().StartingOn(start).WithDays(last.DayNumber - start.DayNumber + 1).Build());
        string eisn = Path.Combine(_temp.Path, "no-estimate.csv");
        string pages = Path.Combine(_temp.Path, "old-pages");

        var run = await Run("pipeline", "run", "--source", file, "--eisn-source", eisn, "--page-dir", pages);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(JsonValueKind.Null, run.Json.GetProperty("forecast").ValueKind);
        Assert.Contains("200 days before today", run.Json.GetProperty("forecastProblem").GetString());
        Assert.Equal($"{last.AddDays(1):yyyy-MM-dd}", run.Json.GetProperty("asOf").GetString());
        JsonElement latest = run.Json.GetProperty("latest");
        Assert.Equal($"{last:yyyy-MM-dd}", latest.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal($"{last.AddDays(2):yyyy-MM-dd}", latest.GetProperty("forecasts")[0].GetProperty("date").GetString());
        Assert.Equal(30, latest.GetProperty("forecasts").GetArrayLength());
        Assert.True(File.Exists(run.Json.GetProperty("page").GetString()));
        Assert.Contains($"{last.AddDays(2):yyyy-MM-dd}", await File.ReadAllTextAsync(run.Json.GetProperty("chart").GetString()!));
    }
}
