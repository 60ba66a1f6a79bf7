using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Xunit;

namespace SunspotForecaster.Testing.Azurite;

/// <summary>
/// One Azurite for every test class in a test assembly's "Azurite" collection, started before the
/// first of them and stopped after the last. If it cannot start, every test in the collection fails with the
/// reason and the fix; none is skipped.
/// </summary>
/// <example>
/// <code>
/// [CollectionDefinition(Name)] public sealed class AzuriteCollection : ICollectionFixture&lt;AzuriteFixture&gt; { public const string Name = "Azurite"; }
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
