using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Core.Tests.Storage;

/// <summary>
/// The harness works (a real Azurite at the pinned version, on 127.0.0.1), and Azurite behaves as
/// the storage code relies on: create-only and ETag-conditional writes, table optimistic
/// concurrency, queues and blob leases. Where Azurite differs from Azure, the test name says so.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteSmokeTests(AzuriteFixture azurite)
{
    private static readonly BlobRequestConditions CreateOnly = new() { IfNoneMatch = ETag.All };

    [Fact]
    public async Task Azurite_runs_on_loopback_at_the_version_package_json_pins()
    {
        BlobContainerClient container = await NewContainerAsync();
        Response<BlobContainerProperties> properties = await container.GetPropertiesAsync();

        Assert.True(properties.GetRawResponse().Headers.TryGetValue("Server", out string? server));
        Assert.Equal($"Azurite-Blob/{azurite.Server.Version}", server);
        Assert.All(
            [azurite.Server.BlobEndpoint, azurite.Server.QueueEndpoint, azurite.Server.TableEndpoint],
            endpoint => Assert.Equal("127.0.0.1", endpoint.Host));
    }

    [Fact]
    public async Task A_create_only_upload_of_an_existing_blob_fails_with_409_BlobAlreadyExists()
    {
        BlobClient blob = (await NewContainerAsync()).GetBlobClient("latest.json");
        await blob.UploadAsync(Content("first"), new BlobUploadOptions { Conditions = CreateOnly });

        RequestFailedException e = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.UploadAsync(Content("second"), new BlobUploadOptions { Conditions = CreateOnly }));

        Assert.Equal(409, e.Status);
        Assert.Equal(BlobErrorCode.BlobAlreadyExists.ToString(), e.ErrorCode);
        Assert.Equal("first", await ReadAsync(blob));
    }

    [Fact]
    public async Task An_upload_conditional_on_a_stale_etag_fails_with_412_and_keeps_the_newer_content()
    {
        BlobClient blob = (await NewContainerAsync()).GetBlobClient("latest.json");
        ETag old = (await blob.UploadAsync(Content("v1"))).Value.ETag;
        ETag current = (await blob.UploadAsync(Content("v2"), overwrite: true)).Value.ETag;

        RequestFailedException e = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.UploadAsync(Content("v3"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = old } }));
        ETag updated = (await blob.UploadAsync(
            Content("v3"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = current } })).Value.ETag;

        Assert.Equal(412, e.Status);
        Assert.Equal(BlobErrorCode.ConditionNotMet.ToString(), e.ErrorCode);
        Assert.NotEqual(current, updated);
        Assert.Equal("v3", await ReadAsync(blob));
    }

    [Fact]
    public async Task A_conditional_read_of_a_missing_blob_fails_with_412_on_Azurite_where_Azure_answers_404()
    {
        BlobClient blob = (await NewContainerAsync()).GetBlobClient("missing.json");

        RequestFailedException conditional = await Assert.ThrowsAsync<RequestFailedException>(
            () => blob.DownloadContentAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag("\"0x8DC0000000000000\"") } }));
        RequestFailedException unconditional = await Assert.ThrowsAsync<RequestFailedException>(() => blob.DownloadContentAsync());

        // Code that reads "the blob as of this ETag" must treat 412 like 404 when the blob may be gone.
        Assert.Equal(412, conditional.Status);
        Assert.Equal(BlobErrorCode.ConditionNotMet.ToString(), conditional.ErrorCode);
        Assert.Equal(404, unconditional.Status);
        Assert.Equal(BlobErrorCode.BlobNotFound.ToString(), unconditional.ErrorCode);
    }

    [Fact]
    public async Task A_table_update_with_the_current_etag_succeeds_and_with_a_stale_etag_fails_with_412()
    {
        TableClient table = await NewTableAsync("ModelAliases");
        await table.AddEntityAsync(new TableEntity("sunspots", "champion") { ["Version"] = 1 });
        TableEntity read = (await table.GetEntityAsync<TableEntity>("sunspots", "champion")).Value;
        ETag stale = read.ETag;

        read["Version"] = 2;
        await table.UpdateEntityAsync(read, stale, TableUpdateMode.Replace);
        read["Version"] = 3;
        RequestFailedException e = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.UpdateEntityAsync(read, stale, TableUpdateMode.Replace));

        Assert.Equal(412, e.Status);
        Assert.Equal(TableErrorCode.UpdateConditionNotSatisfied.ToString(), e.ErrorCode);
        Assert.Equal(2, (await table.GetEntityAsync<TableEntity>("sunspots", "champion")).Value.GetInt32("Version"));
    }

    [Fact]
    public async Task Adding_a_table_entity_whose_key_exists_fails_with_409_EntityAlreadyExists()
    {
        TableClient table = await NewTableAsync("ModelVersions");
        await table.AddEntityAsync(new TableEntity("sunspots", "000001") { ["Status"] = "registered" });

        RequestFailedException e = await Assert.ThrowsAsync<RequestFailedException>(
            () => table.AddEntityAsync(new TableEntity("sunspots", "000001") { ["Status"] = "other" }));

        Assert.Equal(409, e.Status);
        Assert.Equal(TableErrorCode.EntityAlreadyExists.ToString(), e.ErrorCode);
        Assert.Equal("registered", (await table.GetEntityAsync<TableEntity>("sunspots", "000001")).Value.GetString("Status"));
    }

    [Fact]
    public async Task A_sent_queue_message_is_received_back_and_is_gone_once_deleted()
    {
        QueueClient queue = azurite.QueueServiceClient.GetQueueClient(UniqueNames.Queue("retrain-requests"));
        await queue.CreateAsync();
        const string Message = """{"model":"sunspots","reason":"manual"}""";

        await queue.SendMessageAsync(Message);
        QueueMessage[] received = (await queue.ReceiveMessagesAsync(maxMessages: 10, visibilityTimeout: TimeSpan.FromSeconds(30))).Value;
        QueueMessage message = Assert.Single(received);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);

        Assert.Equal(Message, message.Body.ToString());
        Assert.Equal(1, message.DequeueCount);
        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_second_lease_on_a_leased_blob_fails_with_409_until_the_first_is_released()
    {
        BlobClient blob = (await NewContainerAsync()).GetBlobClient("train.lock");
        await blob.UploadAsync(Content(""));
        BlobLeaseClient first = blob.GetBlobLeaseClient(Guid.NewGuid().ToString());
        BlobLeaseClient second = blob.GetBlobLeaseClient(Guid.NewGuid().ToString());

        await first.AcquireAsync(TimeSpan.FromSeconds(30));
        RequestFailedException e = await Assert.ThrowsAsync<RequestFailedException>(() => second.AcquireAsync(TimeSpan.FromSeconds(30)));
        await first.ReleaseAsync();
        BlobLease afterRelease = (await second.AcquireAsync(TimeSpan.FromSeconds(30))).Value;

        Assert.Equal(409, e.Status);
        Assert.Equal(BlobErrorCode.LeaseAlreadyPresent.ToString(), e.ErrorCode);
        Assert.Equal(second.LeaseId, afterRelease.LeaseId);
        await second.ReleaseAsync();
    }

    private async Task<BlobContainerClient> NewContainerAsync()
    {
        BlobContainerClient container = azurite.BlobServiceClient.GetBlobContainerClient(UniqueNames.Container("smoke"));
        await container.CreateAsync();
        return container;
    }

    private async Task<TableClient> NewTableAsync(string prefix)
    {
        TableClient table = azurite.TableServiceClient.GetTableClient(UniqueNames.Table(prefix));
        await table.CreateAsync();
        return table;
    }

    private static BinaryData Content(string text) => BinaryData.FromString(text);

    private static async Task<string> ReadAsync(BlobClient blob) => (await blob.DownloadContentAsync()).Value.Content.ToString();
}
