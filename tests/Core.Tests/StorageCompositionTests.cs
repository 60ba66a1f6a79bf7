using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Core.Tests;

/// <summary>AddSunspotStorage composes the clients and services from configuration and refuses a missing setting by name.</summary>
[Collection(AzuriteCollection.Name)]
public class StorageCompositionTests(AzuriteFixture azurite)
{
    private static ServiceProvider Compose(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSunspotStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Connection_strings_and_names_from_configuration_reach_the_store()
    {
        string container = UniqueNames.Container("composed");
        using ServiceProvider provider = Compose(new()
        {
            ["Storage:Blobs"] = azurite.ConnectionString,
            ["Storage:Tables"] = azurite.ConnectionString,
            ["Storage:Queues"] = azurite.ConnectionString,
            ["Storage:RawContainer"] = container,
            ["Storage:IngestRunsTable"] = UniqueNames.Table("composed"),
        });

        await provider.GetRequiredService<RawDataStore>().EnsureCreatedAsync(CancellationToken.None);

        Assert.True(await azurite.BlobServiceClient.GetBlobContainerClient(container).ExistsAsync());
    }

    [Fact]
    public void A_missing_client_setting_or_a_bad_name_is_refused_naming_it()
    {
        using ServiceProvider provider = Compose(new()
        {
            ["Storage:Blobs"] = azurite.ConnectionString,
            ["Storage:Queues"] = azurite.ConnectionString,
            ["Storage:RawContainer"] = "Not_A_Container",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageOptions>>().Value);

        Assert.Contains("Storage:Tables is not set", error.Message);
        Assert.Contains("Storage:RawContainer must be a valid blob container name", error.Message);
    }
}
