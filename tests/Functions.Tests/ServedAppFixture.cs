using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Functions.Background;
using SunspotForecaster.Functions.Http;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// The app behind the HTTP stand-in (<see cref="FunctionsServer"/>) with storage holding ingested
/// data and trained champions (sunspots and cars), shared by the HTTP tests.
/// </summary>
public sealed class ServedAppFixture : IAsyncLifetime
{
    private AzuriteFixture? _azurite;

    public FunctionsServer Server { get; private set; } = null!;

    public IServiceProvider Services => Server.Services;

    public string DataFile { get; } = new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(10_592).Build();

    /// <summary>The data's last day: "today" for the tests of this class, so that tomorrow is lead 1.</summary>
    public static readonly DateOnly LastDay = new DateOnly(1975, 1, 1).AddDays(10_591);

    /// <summary>The app's services as the host composes them, with this Azurite and a clock that says <paramref name="clock"/>'s day (by default the data's last day).</summary>
    public static void Configure(IServiceCollection services, AzuriteFixture azurite, int refreshSeconds = 1, TimeProvider? clock = null, params (string Key, object Value)[] extra)
    {
        ArgumentNullException.ThrowIfNull(services);
        IConfiguration configuration = TestSettings.For(azurite,
            [("Serving:ChampionRefreshSeconds", refreshSeconds), ("Serving:MaxBodyBytes", 4096), ("Serving:MaxHistory", 200), .. extra]);
        services.AddLogging();
        services.AddSingleton(clock ?? ShiftedClock.At(LastDay));
        services.AddSunspotCore(configuration);
        // The background functions, which the tests call as classes (the HTTP ones are created per request by the stand-in).
        foreach (Type function in typeof(GetForecast).Assembly.GetTypes().Where(t => t.Namespace == typeof(IngestEisn).Namespace && t.GetMethods().Any(m => m.IsDefined(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false))))
        {
            services.AddTransient(function);
        }

        services.AddRunningWork();
    }

    /// <summary>Another instance of the app behind its own server, on the same Azurite.</summary>
    public static Task<FunctionsServer> StartAsync(AzuriteFixture azurite, int refreshSeconds = 1, TimeProvider? clock = null, params (string Key, object Value)[] extra) =>
        FunctionsServer.StartAsync(services => Configure(services, azurite, refreshSeconds, clock, extra));

    public async Task InitializeAsync()
    {
        _azurite = new AzuriteFixture();
        await _azurite.InitializeAsync();
        Server = await StartAsync(_azurite);
        string file = Path.Combine(Path.GetTempPath(), $"sidc-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, DataFile);
        IngestResult ingest = await Server.Get<IngestService>().IngestAsync(file, CancellationToken.None);
        File.Delete(file);
        var retrain = Server.Get<RetrainService>();
        await retrain.RetrainAsync(new RetrainRequest("sunspots", ingest.BlobName, ingest.Sha256, "manual", DateTimeOffset.UtcNow), null, CancellationToken.None);
        await retrain.RetrainAsync(new RetrainRequest("cars", null, null, "manual", DateTimeOffset.UtcNow), null, CancellationToken.None);
    }

    /// <summary>Registers this fixture's trained forecaster in <paramref name="services"/>' storage and makes it champion there.</summary>
    public Task ServeTheForecasterAsync(IServiceProvider services) => ServeAsync(services, "sunspots");

    /// <summary>Registers this fixture's trained <paramref name="model"/> in <paramref name="services"/>' storage and makes it champion there.</summary>
    public async Task ServeAsync(IServiceProvider services, string model)
    {
        ArgumentNullException.ThrowIfNull(services);
        (ModelVersion _, PackageFiles package) = await Server.Get<ModelRegistry>().DownloadAsync(model, 1, CancellationToken.None);
        var registry = services.GetRequiredService<ModelRegistry>();
        await registry.EnsureCreatedAsync(CancellationToken.None);
        ModelVersion version = await registry.RegisterAsync(model, package, null, CancellationToken.None);
        await services.GetRequiredService<PromotionService>().PromoteAsync(model, version.Version, "test", CancellationToken.None);
    }

    /// <summary>Ingests <paramref name="data"/> (a SIDC file's text) into <paramref name="services"/>' storage.</summary>
    public static async Task IngestAsync(IServiceProvider services, string data)
    {
        ArgumentNullException.ThrowIfNull(services);
        string file = Path.Combine(Path.GetTempPath(), $"sidc-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, data);
        await services.GetRequiredService<IngestService>().IngestAsync(file, CancellationToken.None);
        File.Delete(file);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await _azurite!.DisposeAsync();
    }
}
