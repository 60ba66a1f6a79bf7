using System.Text.Json;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.HostEmulator;
using Xunit.Abstractions;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// The whole cycle in the real worker, driven by the emulated host's timer and queue listener
/// (<see cref="ServedWorkerFixture"/>): the ingest timer stored the file and queued a retrain per
/// model; the queue handed each to the worker, which trained it (TorchSharp and managed code in the
/// worker process), registered the version and decided on it; the forecast then comes from it.
/// </summary>
[Collection(ServedWorkerCollection.Name)]
public sealed class ServeCycleTests(ServedWorkerFixture app, ITestOutputHelper output)
{
    [Fact]
    public void The_ingest_timer_queued_one_retrain_per_model_and_the_worker_completed_each()
    {
        Assert.True(app.Ingest.Succeeded, $"{app.Ingest}{Environment.NewLine}{app.Describe()}");
        Assert.Equal(1, app.Silso.Requests);
        Assert.Equal(2, app.Retrains.Count);
        foreach (QueueDelivery retrain in app.Retrains)
        {
            Assert.True(retrain.Outcome == QueueOutcome.Completed && retrain.Invocation!.Succeeded, $"{retrain.Outcome} {retrain.Invocation}{Environment.NewLine}{app.Describe()}");
            Assert.Equal(1L, retrain.DequeueCount);
        }

        // Each invocation trained its model into version 1 (the worker's own log of the run).
        string[] trained = [.. app.Retrains.Select(r => app.Host.Logs.Single(l => l.InvocationId == r.Invocation!.InvocationId && l.Message.StartsWith("Retrain ", StringComparison.Ordinal)).Message)];
        Assert.Contains(trained, m => m.StartsWith("Retrain sunspots: Trained, version 1,", StringComparison.Ordinal));
        Assert.Contains(trained, m => m.StartsWith("Retrain cars: Trained, version 1,", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sunspots")]
    [InlineData("cars")]
    public async Task Each_trained_version_is_registered_with_its_decision_and_promoted(string model)
    {
        ModelVersion version = Assert.Single(app.VersionsAfterCycle[model]);
        output.WriteLine($"{model} version {version.Version}, trained in {version.TrainSeconds:0.0} s: {version.Status}, {version.Reason}");

        // The synthetic data's cycle and noise leave a wide margin over persistence on any CPU.
        Assert.True(version.Status == ModelRegistry.StatusPromoted, $"{model} version {version.Version} is {version.Status}: {version.Reason}");
        Assert.StartsWith("better", version.Reason, StringComparison.Ordinal);
        Champion? champion = await app.StandIn.Get<ModelAliases>().GetChampionAsync(model, CancellationToken.None);
        Assert.Equal(1, champion?.Version);
        if (model == "sunspots")
        {
            Assert.True(version.TestRmse < version.PersistenceRmse, $"test RMSE {version.TestRmse} against persistence's {version.PersistenceRmse}");
        }
    }

    [Fact]
    public async Task The_forecast_through_the_worker_comes_from_the_promoted_version_and_the_ingested_file()
    {
        using HttpClient client = app.Host.CreateClient();

        using HttpResponseMessage response = await client.GetAsync("api/forecast?days=3");
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        JsonElement forecast = JsonDocument.Parse(body).RootElement;
        Assert.Equal("sunspots", forecast.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(1, forecast.GetProperty("model").GetProperty("version").GetInt32());
        Assert.False(forecast.GetProperty("fallback").GetBoolean(), body);
        Assert.Equal($"{app.LastDay:yyyy-MM-dd}", forecast.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal(3, forecast.GetProperty("forecasts").GetArrayLength());
        JsonElement health = JsonDocument.Parse(await client.GetStringAsync("api/health")).RootElement;
        Assert.Equal(health.GetProperty("data").GetProperty("sha256").GetString(), forecast.GetProperty("model").GetProperty("dataSha256").GetString());
    }
}
