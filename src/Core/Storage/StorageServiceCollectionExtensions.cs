using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace SunspotForecaster.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The storage clients and the stores, from configuration: <c>Storage:Blobs</c>,
    /// <c>Storage:Tables</c> and <c>Storage:Queues</c> each hold a connection string locally
    /// (<c>UseDevelopmentStorage=true</c> for Azurite) or, in Azure, <c>serviceUri</c> (tables:
    /// <c>endpoint</c>) with <c>credential=managedidentity</c> and <c>clientId</c>. Names come from
    /// <see cref="StorageOptions"/>; both are checked when the host starts.
    /// </summary>
    public static IServiceCollection AddSunspotStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>>(new StorageClientSettingsValidator(configuration));

        services.AddAzureClients(clients =>
        {
            clients.AddBlobServiceClient(configuration.GetSection(StorageClientSettingsValidator.Blobs));
            clients.AddTableServiceClient(configuration.GetSection(StorageClientSettingsValidator.Tables));
            // The Functions queue trigger reads base64 by default (host.json messageEncoding).
            clients.AddQueueServiceClient(configuration.GetSection(StorageClientSettingsValidator.Queues))
                .ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
        });

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IngestHistory>();
        services.TryAddSingleton<RawDataStore>();
        services.TryAddSingleton<EisnStore>();
        services.TryAddSingleton<ModelRegistry>();
        services.TryAddSingleton<ModelAliases>();
        services.TryAddSingleton<RetrainQueue>();
        services.TryAddSingleton<ForecastLedger>();
        return services;
    }

    /// <summary>Fails at start-up, naming the setting, when a storage client has no settings at all.</summary>
    private sealed class StorageClientSettingsValidator(IConfiguration configuration) : IValidateOptions<StorageOptions>
    {
        public const string Blobs = StorageOptions.BlobsSection;
        public const string Tables = StorageOptions.TablesSection;
        public const string Queues = StorageOptions.QueuesSection;

        public ValidateOptionsResult Validate(string? name, StorageOptions options)
        {
            var missing = new[] { (Blobs, "serviceUri"), (Tables, "endpoint"), (Queues, "serviceUri") }
                .Where(s => configuration.GetSection(s.Item1) is var section && section.Value is null && section[s.Item2] is null)
                .Select(s => $"{s.Item1} is not set: give it a connection string (UseDevelopmentStorage=true for Azurite) or {s.Item1}:{s.Item2} with {s.Item1}:credential=managedidentity.")
                .ToList();

            // A connection string the SDK cannot read fails here, naming the setting, rather than
            // later as the client factory's TargetInvocationException.
            foreach ((string section, Func<string, object> client) in new (string, Func<string, object>)[]
            {
                (Blobs, value => new Azure.Storage.Blobs.BlobServiceClient(value)),
                (Tables, value => new Azure.Data.Tables.TableServiceClient(value)),
                (Queues, value => new Azure.Storage.Queues.QueueServiceClient(value)),
            })
            {
                if (configuration.GetSection(section).Value is { } value)
                {
                    try
                    {
                        _ = client(value);
                    }
                    catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
                    {
                        missing.Add($"{section} is not a connection string the Azure SDK can read ({e.Message}); give one (UseDevelopmentStorage=true for Azurite) or {section}:serviceUri with {section}:credential=managedidentity.");
                    }
                }
            }

            return missing.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(missing);
        }
    }
}
