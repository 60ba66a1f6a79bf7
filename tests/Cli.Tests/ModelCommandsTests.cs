using System.Text.Json;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Cli.Tests;

/// <summary>A synthetic SIDC file and a tiny sunspot model trained from it by the CLI, shared by the tests of a class.</summary>
public sealed class TrainedCliModelFixture : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public TrainedCliModelFixture()
    {
        DataFile = new SidcCsvBuilder().StartingOn(new DateOnly(1990, 1, 1)).WithDays(3652).WithProvisionalFrom(new DateOnly(1999, 12, 1)).WriteTo(_temp.Path);
        ModelDirectory = Path.Combine(_temp.Path, "model");
        Training = CliRunner.RunAsync([.. TinyTraining(DataFile), "--out", ModelDirectory, "--json"]).GetAwaiter().GetResult();
    }

    public string DataFile { get; }

    public string ModelDirectory { get; }

    public CliResult Training { get; }

    public string Temp => _temp.Path;

    public static string[] TinyTraining(string data) =>
    [
        "train", "sunspots", "--data", data, "--cell", "gru", "--window", "8", "--hidden", "8", "--dense", "8", "--batch-size", "128",
        "--lr", "0.01", "--max-epochs", "3", "--members", "2", "--validation-start", "1996-01-01", "--train-end", "1997-12-31", "--test-start", "1998-01-01",
    ];

    public void Dispose() => _temp.Dispose();
}

[Collection(CliTorchCollection.Name)]
public class ModelCommandsTests(TrainedCliModelFixture fixture) : IClassFixture<TrainedCliModelFixture>
{
    [Fact]
    public async Task A_folder_that_cannot_take_the_package_is_refused_before_any_training()
    {
        string file = Path.Combine(fixture.Temp, "a-file");
        await File.WriteAllTextAsync(file, "not a folder");

        CliResult result = await CliRunner.RunAsync([.. TrainedCliModelFixture.TinyTraining(fixture.DataFile), "--out", file]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a file", result.Error);
        Assert.DoesNotContain("epoch", result.Error);
    }

    [Fact]
    public void Train_prints_the_contracts_json_and_progress_on_standard_error()
    {
        CliResult result = fixture.Training;

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal("sunspots", json.GetProperty("model").GetString());
        Assert.Equal("gru", json.GetProperty("cell").GetString());
        Assert.Equal(8, json.GetProperty("window").GetInt32());
        Assert.Equal(2, json.GetProperty("members").GetInt32());
        Assert.Equal(2 * 3, json.GetProperty("epochs").GetInt32()); // the members' epochs added up
        Assert.InRange(json.GetProperty("bestEpoch").GetInt32(), 1, 3);
        Assert.False(json.GetProperty("stoppedEarly").GetBoolean());
        Assert.True(json.GetProperty("trainSeconds").GetDouble() > 0);
        Assert.True(json.GetProperty("secondsPerEpoch").GetDouble() > 0);
        JsonElement samples = json.GetProperty("samples");
        Assert.Equal(2191 - 8, samples.GetProperty("train").GetInt32());
        Assert.Equal(731 - 8, samples.GetProperty("validation").GetInt32());
        Assert.Equal(730 - 8, samples.GetProperty("test").GetInt32());
        JsonElement metrics = json.GetProperty("metrics");
        Assert.True(metrics.GetProperty("validation").GetProperty("rmse").GetDouble() > 0);
        JsonElement test = metrics.GetProperty("test");
        foreach (string field in new[] { "rmse", "mae", "persistenceRmse", "skill", "intervalCoverage" })
        {
            Assert.True(test.TryGetProperty(field, out JsonElement value) && double.IsFinite(value.GetDouble()), field);
        }

        Assert.Equal(fixture.ModelDirectory, json.GetProperty("artifact").GetString());
        Assert.True(File.Exists(Path.Combine(fixture.ModelDirectory, "manifest.json")));
        Assert.Contains("member  1  epoch    1", result.Error);
        Assert.Contains("member  2  epoch    1", result.Error);
        Assert.Contains("validation RMSE", result.Error);
    }

    [Fact]
    public async Task Evaluate_scores_the_model_beside_persistence()
    {
        CliResult result = await CliRunner.RunAsync("evaluate", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal("1998-01-01", json.GetProperty("testStart").GetString());
        Assert.Equal(730 - 8, json.GetProperty("windows").GetInt32());
        double trainedRmse = fixture.Training.Json().GetProperty("metrics").GetProperty("test").GetProperty("rmse").GetDouble();
        Assert.Equal(trainedRmse, json.GetProperty("rmse").GetDouble(), 6);
    }

    [Fact]
    public async Task Forecast_answers_each_day_with_an_interval_and_the_attribution()
    {
        CliResult result = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--today", "1999-12-31", "--days", "5", "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal("1999-12-31", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal("provisional", json.GetProperty("lastObservation").GetProperty("kind").GetString());
        JsonElement[] days = json.GetProperty("forecasts").EnumerateArray().ToArray();
        Assert.Equal(5, days.Length);
        Assert.Equal("2000-01-01", days[0].GetProperty("date").GetString());
        Assert.Equal("2000-01-05", days[4].GetProperty("date").GetString());
        Assert.All(days, d => Assert.True(d.GetProperty("lower").GetDouble() <= d.GetProperty("value").GetDouble()
            && d.GetProperty("value").GetDouble() <= d.GetProperty("upper").GetDouble()));
        Assert.Equal(0.9, days[0].GetProperty("intervalLevel").GetDouble(), 6);
        Assert.All(days, d =>
        {
            // Seven quantiles, non-decreasing, whose ends are the interval.
            (string Level, double Value)[] quantiles = [.. d.GetProperty("quantiles").EnumerateObject().Select(q => (q.Name, q.Value.GetDouble()))];
            Assert.Equal(["0.05", "0.10", "0.25", "0.50", "0.75", "0.90", "0.95"], quantiles.Select(q => q.Level));
            Assert.Equal(quantiles.Select(q => q.Value).Order(), quantiles.Select(q => q.Value));
            Assert.Equal(d.GetProperty("lower").GetDouble(), quantiles[0].Value, 4);
            Assert.Equal(d.GetProperty("upper").GetDouble(), quantiles[^1].Value, 4);
        });
        Assert.Equal("Source: WDC-SILSO, Royal Observatory of Belgium, Brussels", json.GetProperty("source").GetString());
        Assert.Equal("sunspots", json.GetProperty("model").GetProperty("name").GetString());
        CliResult text = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--today", "1999-12-31", "--days", "1");
        Assert.Contains("quartiles", text.Output);
    }

    [Fact]
    public void A_forecast_process_never_loads_libtorch()
    {
        // The fixture's model is a GRU ensemble, which TorchSharp trained: serving it is the managed engine's alone.
        (CliResult result, string[] torch) = BuiltCli.RunWatchingTorch("forecast", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--today", "1999-12-31", "--days", "30", "--json");

        Assert.True(result.ExitCode == 0, result.Error[^Math.Min(result.Error.Length, 2000)..]);
        Assert.Equal(30, result.Json().GetProperty("forecasts").GetArrayLength());
        Assert.Empty(torch);
    }

    [Fact]
    public async Task Evaluate_with_leads_scores_each_lead_beside_both_baselines_and_the_linear_model()
    {
        CliResult result = await CliRunner.RunAsync("evaluate", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--leads", "60", "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement[] byLead = result.Json().GetProperty("byLead").EnumerateArray().ToArray();
        Assert.Equal(Enumerable.Range(1, 60), byLead.Select(l => l.GetProperty("lead").GetInt32()));
        // Windows of 8 days with targets 1998-01-09..1999-12-31: lead L has one target fewer than lead L - 1.
        Assert.Equal(730 - 8, byLead[0].GetProperty("n").GetInt32());
        Assert.Equal(730 - 8 - 59, byLead[59].GetProperty("n").GetInt32());
        foreach (JsonElement lead in byLead)
        {
            foreach (string field in new[] { "rmse", "mae", "coverage", "persistenceRmse", "rotationMeanRmse", "linearRmse", "servedRmse", "crps", "intervalScore",
                "persistenceCrps", "persistenceIntervalScore", "rotationMeanCrps", "rotationMeanIntervalScore" })
            {
                Assert.True(double.IsFinite(lead.GetProperty(field).GetDouble()), $"{field} at lead {lead.GetProperty("lead")}");
            }

            // The share at or below each quantile grows with the level.
            double[] hits = [.. lead.GetProperty("quantileHits").EnumerateObject().Select(q => q.Value.GetDouble())];
            Assert.Equal(7, hits.Length);
            Assert.Equal(hits.Order(), hits);
            Assert.All(hits, h => Assert.InRange(h, 0, 1));
            Assert.True(lead.GetProperty("intervalScore").GetDouble() > 0);

            string method = lead.GetProperty("method").GetString()!;
            Assert.Contains(method, new[] { "model", "persistence", "rotationMean", "linear" });
            string served = method switch { "model" => "rmse", "persistence" => "persistenceRmse", "rotationMean" => "rotationMeanRmse", _ => "linearRmse" };
            Assert.Equal(lead.GetProperty(served).GetDouble(), lead.GetProperty("servedRmse").GetDouble(), 9);
        }

        // The human output prints the linear model's RMSE beside the baselines'.
        CliResult text = await CliRunner.RunAsync("evaluate", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--leads", "3");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("linear  served RMSE", text.Output);

        Assert.Equal(result.Json().GetProperty("rmse").GetDouble(), byLead[0].GetProperty("rmse").GetDouble(), 6);
        Assert.Equal(2, (await CliRunner.RunAsync("evaluate", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--leads", "61")).ExitCode);
    }

    [Fact]
    public async Task Replay_answers_its_days_the_scores_of_every_lead_and_the_demotions_as_json()
    {
        CliResult result = await CliRunner.RunAsync("replay", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--from", "1999-01-01", "--to", "1999-01-31", "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal("1999-01-01", json.GetProperty("from").GetString());
        Assert.Equal("1999-01-31", json.GetProperty("to").GetString());
        Assert.Equal(31, json.GetProperty("days").GetInt32());
        Assert.Contains("stand in for the daily estimate", json.GetProperty("note").GetString());
        JsonElement[] byLead = [.. json.GetProperty("byLead").EnumerateArray()];
        Assert.Equal(Enumerable.Range(1, 30), byLead.Select(l => l.GetProperty("lead").GetInt32()));
        Assert.InRange(byLead[0].GetProperty("n").GetInt32(), 1, 31);
        foreach (string field in new[] { "rmse", "persistenceRmse", "rotationMeanRmse", "coverage", "linearRmse", "crps", "intervalScore", "persistenceCrps", "persistenceIntervalScore",
            "rotationMeanCrps", "rotationMeanIntervalScore" })
        {
            Assert.True(double.IsFinite(byLead[0].GetProperty(field).GetDouble()), field);
        }

        Assert.Equal(7, byLead[0].GetProperty("quantileHits").EnumerateObject().Count());

        Assert.Equal(JsonValueKind.Array, json.GetProperty("demotions").ValueKind);
    }

    [Fact]
    public async Task Bench_reports_latency_throughput_cold_start_and_memory()
    {
        CliResult result = await CliRunner.RunAsync("bench", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--forecasts", "200", "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal(200, json.GetProperty("forecasts").GetInt32());
        Assert.True(json.GetProperty("p50Ms").GetDouble() > 0);
        Assert.True(json.GetProperty("p99Ms").GetDouble() >= json.GetProperty("p50Ms").GetDouble());
        Assert.True(json.GetProperty("forecastsPerSecond").GetDouble() > 0);
        Assert.True(json.GetProperty("coldStartMs").GetDouble() > 0);
        JsonElement parts = json.GetProperty("coldStartParts");
        double[] phases = [.. new[] { "runtimeMs", "packageMs", "dataMs", "forecastMs" }.Select(name => parts.GetProperty(name).GetDouble())];
        Assert.All(phases, phase => Assert.True(phase > 0));
        Assert.All(phases, phase => Assert.True(phase <= json.GetProperty("coldStartMs").GetDouble(), "no part of the cold start takes longer than the whole"));
        Assert.True(json.GetProperty("peakMemoryMb").GetDouble() > 0);
    }

    [Theory]
    [InlineData("--cell", "transformer", "--cell: 'transformer' is not one of lstm, gru, rnn")]
    [InlineData("--window", "-3", "--window")]
    [InlineData("--lr", "fast", "--lr")]
    [InlineData("--window", "900", "holds no complete window")]
    public async Task Bad_training_settings_exit_2_with_a_message(string flag, string value, string expected)
    {
        List<string> args = [.. TrainedCliModelFixture.TinyTraining(fixture.DataFile), "--out", Path.Combine(fixture.Temp, "bad")];
        int at = args.IndexOf(flag);
        if (at >= 0)
        {
            args[at + 1] = value;
        }
        else
        {
            args.AddRange([flag, value]);
        }

        CliResult result = await CliRunner.RunAsync([.. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(Directory.Exists(Path.Combine(fixture.Temp, "bad")));
    }

    [Fact]
    public async Task A_missing_or_corrupt_model_exits_2_with_the_reason()
    {
        CliResult missing = await CliRunner.RunAsync("forecast", "--model-dir", Path.Combine(fixture.Temp, "nowhere"), "--data", fixture.DataFile);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no manifest.json", missing.Error);

        string corrupt = Path.Combine(fixture.Temp, "corrupt");
        Directory.CreateDirectory(corrupt);
        foreach (string file in Directory.GetFiles(fixture.ModelDirectory))
        {
            File.Copy(file, Path.Combine(corrupt, Path.GetFileName(file)));
        }

        File.WriteAllBytes(Path.Combine(corrupt, "weights.bin"), [1, 2, 3]);
        CliResult broken = await CliRunner.RunAsync("forecast", "--model-dir", corrupt, "--data", fixture.DataFile, "--json");
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("truncated or corrupt", broken.Json().GetProperty("error").GetString());
    }

    [Fact]
    public async Task Forecast_days_outside_one_to_thirty_exit_2()
    {
        CliResult result = await CliRunner.RunAsync("forecast", "--model-dir", fixture.ModelDirectory, "--data", fixture.DataFile, "--days", "31");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--days", result.Error);
    }
}
