using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using SunspotForecaster.HostEmulator;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// The timer and queue triggers of the real worker, fired by the emulated host against Azurite:
/// the timer with the host's TimerInfo payload, the queue with messages its listener takes from
/// storage (base64, host.json's maxDequeueCount, the poison queue).
/// </summary>
[Collection(BackgroundCollection.Name)]
public sealed class BackgroundTests(WorkerFixture worker)
{
    private FunctionsHostEmulator Host => worker.Host;

    private QueueClient RetrainQueue => Host.QueueFor(Host.Function("RetrainModel"));

    [Fact]
    public async Task The_ingest_timer_downloads_the_file_stores_it_and_queues_the_retrains()
    {
        int before = worker.Silso.Requests;

        InvocationResult result = await Host.InvokeTimerAsync("IngestSunspots");

        Assert.True(result.Succeeded, $"{result}{Environment.NewLine}{string.Join(Environment.NewLine, Host.Logs.TakeLast(20))}");
        Assert.True(worker.Silso.Requests > before, "the timer did not download the file");
        BlobContainerClient raw = new BlobServiceClient(worker.Azurite.ConnectionString).GetBlobContainerClient(worker.Options.Setting("Storage:RawContainer"));
        Assert.Contains(raw.GetBlobs(), b => b.Name.EndsWith(".csv", StringComparison.Ordinal));
        Assert.Contains(Host.Logs, l => l.Message.Contains("Ingest Stored", StringComparison.Ordinal));
        PeekedMessage[] peeked = (await RetrainQueue.PeekMessagesAsync(32)).Value;
        Assert.Contains(peeked, m => JsonDocument.Parse(m.Body.ToString()).RootElement.GetProperty("model").GetString() == "sunspots");

        // What the HTTP side now says about the data, through the same worker.
        using HttpClient client = Host.CreateClient();
        JsonElement health = JsonDocument.Parse(await client.GetStringAsync("api/health")).RootElement;
        Assert.Equal($"{new DateOnly(2000, 1, 1).AddDays(3999):yyyy-MM-dd}", health.GetProperty("data").GetProperty("fileLastDate").GetString());

        // The queued retrains are this test's to clean up: the queue tests must not train.
        await RetrainQueue.ClearMessagesAsync();
    }

    [Fact]
    public async Task A_queue_message_that_can_never_succeed_is_handled_once_and_deleted()
    {
        await RetrainQueue.CreateIfNotExistsAsync();
        await RetrainQueue.ClearMessagesAsync();
        await RetrainQueue.SendMessageAsync("this is not a retrain request");

        IReadOnlyList<QueueDelivery> deliveries = await Host.ProcessQueueOnceAsync();

        QueueDelivery delivery = Assert.Single(deliveries);
        Assert.Equal(QueueOutcome.Completed, delivery.Outcome);
        Assert.Equal(1, delivery.DequeueCount);
        Assert.Contains(Host.Logs, l => l.InvocationId == delivery.Invocation!.InvocationId && l.Message.Contains("Retrain message dropped", StringComparison.Ordinal));
        Assert.Empty((await RetrainQueue.PeekMessagesAsync(32)).Value);
        Assert.Empty(await Host.ProcessQueueOnceAsync());
    }

    [Fact]
    public async Task A_message_dequeued_more_often_than_host_json_allows_goes_to_the_poison_queue_unrun()
    {
        await RetrainQueue.CreateIfNotExistsAsync();
        await RetrainQueue.ClearMessagesAsync();
        QueueClient poison = Host.PoisonQueueFor(Host.Function("RetrainModel"));
        await poison.DeleteIfExistsAsync();
        const string text = """{"model":"sunspots","reason":"manual","requestedAt":"2026-01-01T00:00:00Z"}""";
        await RetrainQueue.SendMessageAsync(text);
        // A listener that crashed mid-run as often as host.json allows: the message was taken each time.
        for (int i = 0; i < Host.Host.Queues.MaxDequeueCount; i++)
        {
            QueueMessage taken = (await RetrainQueue.ReceiveMessageAsync(TimeSpan.FromMinutes(1))).Value;
            Assert.NotNull(taken);
            await RetrainQueue.UpdateMessageAsync(taken.MessageId, taken.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }

        int invocations = Host.Invocations.Count;
        IReadOnlyList<QueueDelivery> deliveries = await Host.ProcessQueueOnceAsync();

        QueueDelivery delivery = Assert.Single(deliveries);
        Assert.Equal(QueueOutcome.Poisoned, delivery.Outcome);
        Assert.Equal(Host.Host.Queues.MaxDequeueCount + 1, delivery.DequeueCount);
        Assert.Equal(invocations, Host.Invocations.Count);
        Assert.Equal(RetrainQueue.Name + "-poison", poison.Name);
        PeekedMessage moved = Assert.Single((await poison.PeekMessagesAsync(32)).Value);
        Assert.Equal(text, moved.Body.ToString());
        Assert.Empty((await RetrainQueue.PeekMessagesAsync(32)).Value);
    }
}
