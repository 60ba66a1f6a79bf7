using System.Net;
using System.Text;
using System.Text.Json;

namespace SunspotForecaster.LocalRun.Tests;

/// <summary>
/// scripts/run-local.sh as a user runs it, as a child process on free ports (its own Azurite, in
/// memory): the real worker answers through the emulated host, a retrain asked for with the
/// printed function key goes through the queue listener to a new version, and SIGTERM stops the
/// worker and the run cleanly.
/// </summary>
public sealed class LocalRunTests
{
    /// <summary>Failure deadlines only, generous for a shared two-core machine: nothing here asserts a duration.</summary>
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan TrainingDeadline = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_local_run_answers_health_and_a_retrain_through_the_queue_ends_in_a_new_version()
    {
        await using LocalRunProcess run = LocalRunProcess.Start(
            "--port", "0", "--azurite-port", "0",
            "--settings", Path.Combine(Testing.RepositoryPaths.Root, "local.settings.sample.json"),
            // The cheapest model to train, with the tests' short promotion gate (every sequence up to 8 steps).
            "--set", "Promotion__CarEnumerationMaxLength=8");
        Uri address = await run.ListeningAsync(StartDeadline);
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };

        using (HttpResponseMessage health = await client.GetAsync("api/health"))
        {
            string body = await health.Content.ReadAsStringAsync();
            Assert.True(health.StatusCode == HttpStatusCode.OK, $"{health.StatusCode}: {body}{run.Output}");
            JsonElement models = JsonDocument.Parse(body).RootElement.GetProperty("models");
            Assert.Equal(JsonValueKind.Null, models.GetProperty("cars").GetProperty("champion").ValueKind);
        }

        Assert.Empty(await VersionsAsync(client, run));
        using (HttpResponseMessage withoutKey = await client.PostAsync("api/retrain", Json("""{"model":"cars"}""")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/retrain") { Content = Json("""{"model":"cars"}""") })
        {
            request.Headers.Add("x-functions-key", run.FunctionKey);
            using HttpResponseMessage accepted = await client.SendAsync(request);
            string body = await accepted.Content.ReadAsStringAsync();
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"{accepted.StatusCode}: {body}{run.Output}");
            Assert.Equal("cars", JsonDocument.Parse(body).RootElement.GetProperty("model").GetString());
        }

        // The queue listener takes the message, the worker trains and registers: poll until a version is listed.
        using var deadline = new CancellationTokenSource(TrainingDeadline);
        JsonElement[] versions = [];
        while (versions.Length == 0)
        {
            Assert.False(run.HasExited, $"The local run exited with code {(run.HasExited ? run.ExitCode : 0)} while training.{run.Output}");
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"No cars version was listed within {TrainingDeadline.TotalMinutes:0} minutes of the retrain request.{run.Output}");
            }

            versions = await VersionsAsync(client, run);
        }

        Assert.Equal(1, Assert.Single(versions).GetProperty("version").GetInt32());
        // The version is listed once registered; the invocation then decides on promotion and the listener deletes the message.
        await run.PrintedAsync(line => line.Contains("Executed 'Functions.RetrainModel'", StringComparison.Ordinal) && line.EndsWith("-> Completed", StringComparison.Ordinal), TrainingDeadline);

        int workerProcess = run.WorkerProcessId ?? throw new InvalidOperationException($"The local run printed no worker process id.{run.Output}");
        int code = await run.StopAsync(StopDeadline);
        Assert.True(code == 0, $"The local run exited with code {code}.{run.Output}");
        Assert.True(run.Printed(l => l.EndsWith("The worker has exited (code 0).", StringComparison.Ordinal)), $"The worker did not exit by itself on WorkerTerminate.{run.Output}");
        Assert.True(run.Printed(l => l.EndsWith("Azurite has stopped.", StringComparison.Ordinal)), run.Output);
        Assert.False(Directory.Exists($"/proc/{workerProcess}"), $"The worker process {workerProcess} is still running.{run.Output}");
    }

    [Theory]
    [InlineData("--port", "seventy", "--port: a port is 0 (a free one) to 65535, not 'seventy'.")]
    [InlineData("--set", "Training__BudgetMinutes", "--set wants NAME=VALUE")]
    [InlineData("--source", "no/such/file.csv", "--source: 'no/such/file.csv' is neither an http(s) URL nor a file.")]
    [InlineData("--frobnicate", "", "Unknown option '--frobnicate'.")]
    public async Task A_bad_option_stops_the_run_before_anything_starts_naming_it(string option, string value, string message)
    {
        await using LocalRunProcess run = value.Length == 0 ? LocalRunProcess.Start(option) : LocalRunProcess.Start(option, value);

        int code = await run.ExitedAsync(StopDeadline);

        Assert.Equal(2, code);
        Assert.True(run.Printed(l => l.Contains(message, StringComparison.Ordinal)), run.Output);
        Assert.False(run.Printed(l => l.Contains("Storage:", StringComparison.Ordinal)), run.Output);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonElement[]> VersionsAsync(HttpClient client, LocalRunProcess run)
    {
        using HttpResponseMessage response = await client.GetAsync("api/models?model=cars");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}{run.Output}");
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("versions").EnumerateArray()];
    }
}
