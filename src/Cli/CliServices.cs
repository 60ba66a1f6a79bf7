using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core;

namespace SunspotForecaster.Cli;

/// <summary>
/// Core's services composed exactly as the Functions app composes them (<see cref="SunspotCoreServiceCollectionExtensions.AddSunspotCore"/>),
/// with settings from the environment (<c>Storage__Blobs</c>, <c>Ingest__SourceUrl</c>, …), Azurite by default.
/// </summary>
internal static class CliServices
{
    public const string LocalStorage = "UseDevelopmentStorage=true";

    public static IConfiguration DefaultConfiguration() => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Blobs"] = LocalStorage,
            ["Storage:Tables"] = LocalStorage,
            ["Storage:Queues"] = LocalStorage,
        })
        .AddEnvironmentVariables()
        .Build();

    /// <param name="configuration">The settings.</param>
    /// <param name="clock">The services' clock (default: the system's), to answer as of another day.</param>
    public static ServiceProvider Create(IConfiguration configuration, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddSunspotCore(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
