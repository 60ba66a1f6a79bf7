using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Tests.Pipeline;

/// <summary>
/// Core composed as both hosts compose it (AddSunspotCore), against Azurite with storage names of
/// its own; a test may build several such instances on the same storage ("other instances"), and
/// move their shared clock.
/// </summary>
public sealed class PipelineInstance : IAsyncDisposable
{
    private PipelineInstance(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public StorageOptions Names => Get<IOptions<StorageOptions>>().Value;

    public QueueClient Queue => Get<QueueServiceClient>().GetQueueClient(Names.RetrainQueue);

    /// <param name="tables">A table client of the test's own (one that injects faults, say) in place of the settings' one.</param>
    public static PipelineInstance Create(IConfiguration settings, TimeProvider? clock = null, Azure.Data.Tables.TableServiceClient? tables = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(clock ?? TimeProvider.System);
        services.AddSunspotCore(settings);
        if (tables is not null)
        {
            services.AddSingleton(tables);
        }

        return new PipelineInstance(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
    }

    /// <summary>The messages waiting in the retrain queue (visible ones), decoded as the host decodes them.</summary>
    public async Task<List<RetrainRequest>> WaitingMessagesAsync()
    {
        var messages = new List<RetrainRequest>();
        if (!await Queue.ExistsAsync())
        {
            return messages;
        }

        foreach (PeekedMessage message in (await Queue.PeekMessagesAsync(32)).Value)
        {
            messages.Add(RetrainRequest.Parse(message.Body.ToString()));
        }

        return messages;
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
