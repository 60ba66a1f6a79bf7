using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.HostEmulator;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// The host stopping the worker (WorkerTerminate with its grace period) while a retrain runs in it:
/// the cancellation reaches the training, which stops and frees the model's trainer lease on the
/// way out, so another instance can train at once; nothing half-done is registered, and the
/// message stays for the next instance. A worker, Azurite and SILSO stand-in of its own.
/// </summary>
public sealed class ShutdownTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Terminating_the_worker_mid_retrain_stops_it_frees_the_lease_and_registers_nothing()
    {
        await using AzuriteServer azurite = await AzuriteServer.StartAsync();
        using var silso = new SidcHttpServer(ServedWorkerFixture.SidcFile(DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1)));
        EmulatorOptions options = WorkerFixture.Settings(azurite.ConnectionString, silso.Url);
        await using FunctionsHostEmulator host = await FunctionsHostEmulator.StartAsync(options);
        Assert.True((await host.InvokeTimerAsync("IngestSunspots")).Succeeded, string.Join(Environment.NewLine, host.Logs.TakeLast(20)));
        // Only the sunspot retrain the ingest queued: the longer of the two.
        QueueClient queue = host.QueueFor(host.Function("RetrainModel"));
        string sunspots = (await queue.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString())
            .Single(text => JsonDocument.Parse(text).RootElement.GetProperty("model").GetString() == "sunspots");
        await queue.ClearMessagesAsync();
        await queue.SendMessageAsync(sunspots);
        BlobContainerClient models = new BlobServiceClient(options.Setting("Storage:Blobs")).GetBlobContainerClient(options.Setting("Storage:ModelsContainer"));
        BlobClient trainerLock = models.GetBlobClient("sunspots/trainer.lock");

        Task<IReadOnlyList<QueueDelivery>> retrain = host.ProcessQueueOnceAsync();
        using (var waiting = new CancellationTokenSource(Generous))
        {
            while (!await LeasedAsync(trainerLock))
            {
                Assert.False(retrain.IsCompleted, $"the retrain ended before it took the lease{Environment.NewLine}{string.Join(Environment.NewLine, host.Logs.TakeLast(20))}");
                await Task.Delay(50, waiting.Token);
            }
        }

        // Well into the training now (its data prepared, epochs running); then the host stops the worker.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(retrain.IsCompleted, "the retrain finished before the worker was stopped; it needs more work to be stopped mid-way");
        await host.StopAsync();

        Assert.True(host.ExitedWithinGrace == true, $"the worker did not exit within the grace period{Environment.NewLine}{host.WorkerOutput}");
        // Its invocation answered a failure or nothing before the worker went: never a success that deletes the message.
        QueueOutcome? outcome = null;
        try
        {
            outcome = Assert.Single(await retrain).Outcome;
        }
        catch (Exception e) when (e is ObjectDisposedException or TimeoutException or OperationCanceledException)
        {
            // The stream closed with the worker while the invocation was waiting.
        }

        Assert.NotEqual(QueueOutcome.Completed, outcome);
        // The lease was released on the way out, not left to expire: another trainer takes it now.
        BlobLeaseClient next = trainerLock.GetBlobLeaseClient();
        await next.AcquireAsync(TimeSpan.FromSeconds(15));
        await next.ReleaseAsync();
        // Nothing registered, no package blob written, and the request is still queued for the next instance.
        await using ServiceProvider services = ServedWorkerFixture.Services(options);
        Assert.Empty(await services.GetRequiredService<ModelRegistry>().ListAsync("sunspots", CancellationToken.None));
        Assert.Equal(["sunspots/trainer.lock"], models.GetBlobs(BlobTraits.None, BlobStates.None, "sunspots/", CancellationToken.None).Select(b => b.Name));
        Assert.Equal(1, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    private static async Task<bool> LeasedAsync(BlobClient blob)
    {
        try
        {
            return (await blob.GetPropertiesAsync()).Value.LeaseState == LeaseState.Leased;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 404)
        {
            return false;
        }
    }
}
