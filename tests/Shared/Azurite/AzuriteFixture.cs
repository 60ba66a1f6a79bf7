using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace SunspotForecaster.Tests.Azurite;

/// <summary>
/// One Azurite for every test class in the "Azurite" collection, started before the first of them
/// and stopped after the last. If it cannot start, every test in the collection fails with the
/// reason and the fix; none is skipped.
/// </summary>
/// <example>
/// <code>
/// [Collection(AzuriteCollection.Name)]
/// public sealed class SomethingTests(AzuriteFixture azurite) { … azurite.ConnectionString … }
/// </code>
/// </example>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started (or has stopped).");

    public string ConnectionString => Server.ConnectionString;

    public BlobServiceClient BlobServiceClient => Server.BlobServiceClient;

    public QueueServiceClient QueueServiceClient => Server.QueueServiceClient;

    public TableServiceClient TableServiceClient => Server.TableServiceClient;

    public async Task InitializeAsync() => _server = await AzuriteServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
