using System.Text;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Core.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public class QueueAndLeaseTests(AzuriteFixture azurite)
{
    private readonly StorageOptions _options = new()
    {
        RetrainQueue = UniqueNames.Queue("retrain"),
        ModelsContainer = UniqueNames.Container("models"),
    };

    [Fact]
    public async Task A_retrain_message_is_written_base64_as_the_functions_queue_trigger_reads_it()
    {
        var base64 = new QueueServiceClient(azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var queue = new RetrainQueue(base64, Options.Create(_options));
        await queue.EnsureCreatedAsync(CancellationToken.None);
        var request = new RetrainRequest("cars", null, null, "manual", DateTimeOffset.UnixEpoch);

        await queue.EnqueueAsync(request, CancellationToken.None);

        // Read raw, as the host does before decoding with messageEncoding "base64".
        QueueMessage raw = (await azurite.QueueServiceClient.GetQueueClient(_options.RetrainQueue).ReceiveMessageAsync()).Value;
        string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(raw.MessageText));
        Assert.Equal(request, RetrainRequest.Parse(decoded));
    }

    [Fact]
    public async Task One_trainer_at_a_time_with_a_finite_lease_that_is_renewed_and_released()
    {
        await azurite.BlobServiceClient.GetBlobContainerClient(_options.ModelsContainer).CreateIfNotExistsAsync();
        IOptions<StorageOptions> options = Options.Create(_options);

        await using (TrainerLease? first = await TrainerLease.TryAcquireAsync(azurite.BlobServiceClient, options, "sunspots", TrainerLease.DefaultDuration, TimeProvider.System, CancellationToken.None, renewEvery: TimeSpan.FromMilliseconds(200)))
        {
            Assert.NotNull(first);
            Assert.Null(await TrainerLease.TryAcquireAsync(azurite.BlobServiceClient, options, "sunspots", TrainerLease.DefaultDuration, TimeProvider.System, CancellationToken.None));
            BlobProperties properties = (await azurite.BlobServiceClient.GetBlobContainerClient(_options.ModelsContainer).GetBlobClient("sunspots/trainer.lock").GetPropertiesAsync()).Value;
            Assert.Equal(LeaseDurationType.Fixed, properties.LeaseDuration);
            await Task.Delay(700);
            Assert.Null(first!.RenewalFailure);
            await using TrainerLease? otherModel = await TrainerLease.TryAcquireAsync(azurite.BlobServiceClient, options, "cars", TrainerLease.DefaultDuration, TimeProvider.System, CancellationToken.None);
            Assert.NotNull(otherModel);
        }

        await using TrainerLease? afterRelease = await TrainerLease.TryAcquireAsync(azurite.BlobServiceClient, options, "sunspots", TrainerLease.DefaultDuration, TimeProvider.System, CancellationToken.None);
        Assert.NotNull(afterRelease);
    }

    [Fact]
    public async Task A_trainer_confirms_its_lease_before_registering_and_learns_when_another_took_it_meanwhile()
    {
        await azurite.BlobServiceClient.GetBlobContainerClient(_options.ModelsContainer).CreateIfNotExistsAsync();
        IOptions<StorageOptions> options = Options.Create(_options);
        // Renewed in the background only once a minute: the stall is this trainer's, the check must not rely on the timer.
        await using TrainerLease? stalled = await TrainerLease.TryAcquireAsync(azurite.BlobServiceClient, options, "sunspots", TimeSpan.FromSeconds(15), TimeProvider.System, CancellationToken.None, renewEvery: TimeSpan.FromMinutes(1));
        Assert.NotNull(stalled);
        Assert.True(await stalled.ConfirmAsync(CancellationToken.None));

        // Its lease passes to another trainer (broken here, as an expiry during a stall would free it).
        BlobLeaseClient other = azurite.BlobServiceClient.GetBlobContainerClient(_options.ModelsContainer).GetBlobClient("sunspots/trainer.lock").GetBlobLeaseClient();
        await other.BreakAsync(TimeSpan.Zero);
        await other.AcquireAsync(TimeSpan.FromSeconds(15));

        Assert.False(await stalled.ConfirmAsync(CancellationToken.None));
        Assert.True(stalled.Lost.IsCancellationRequested);
        Assert.NotNull(stalled.RenewalFailure);
        await other.ReleaseAsync();
    }

    [Fact]
    public async Task A_lease_whose_renewal_fails_with_any_error_reports_it_lost_and_is_still_released()
    {
        await azurite.BlobServiceClient.GetBlobContainerClient(_options.ModelsContainer).CreateIfNotExistsAsync();
        IOptions<StorageOptions> options = Options.Create(_options);
        // Every renewal breaks the connection (the SDK retries twice, then gives up with an
        // AggregateException): not the RequestFailedException the lease used to expect.
        var renewalsFail = new Faults.FaultInjectionPolicy(seed: 1)
        {
            Rate = 1,
            AfterSendShare = 0,
            Eligible = r => r.Headers.TryGetValue("x-ms-lease-action", out string? action) && action == "renew",
        };
        var clientOptions = new Azure.Storage.Blobs.BlobClientOptions();
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(10);
        clientOptions.AddPolicy(renewalsFail, Azure.Core.HttpPipelinePosition.PerRetry);
        var faulty = new Azure.Storage.Blobs.BlobServiceClient(azurite.ConnectionString, clientOptions);

        TrainerLease lease = (await TrainerLease.TryAcquireAsync(faulty, options, "sunspots", TrainerLease.DefaultDuration, TimeProvider.System, CancellationToken.None, renewEvery: TimeSpan.FromMilliseconds(100)))!;
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.True(lease.Lost.IsCancellationRequested);
        Assert.NotNull(lease.RenewalFailure);
        await lease.DisposeAsync();
        await using TrainerLease? next = await TrainerLease.TryAcquireAsync(azurite.BlobServiceClient, options, "sunspots", TrainerLease.DefaultDuration, TimeProvider.System, CancellationToken.None);
        Assert.NotNull(next);
    }
}
