using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core;
using SunspotForecaster.HostEmulator;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// The real worker serving trained champions, brought there by the worker itself: the emulated
/// host fires the ingest timer (which downloads a synthetic SILSO file through yesterday and
/// queues the retrains), then feeds the queue to the worker until it is empty (each retrain trains,
/// registers and decides in the worker process). Beside it, the Kestrel stand-in
/// (<see cref="FunctionsServer"/>) runs the same app over the very same storage, settings and
/// (system) clock, so the two can be asked the same and compared.
/// </summary>
public sealed class ServedWorkerFixture : IAsyncLifetime
{
    /// <summary>The synthetic file's first day: the default split trains from it to 1999 and tests from 2000 to yesterday.</summary>
    public static readonly DateOnly FirstDay = new(1975, 1, 1);

    private AzuriteServer? _azurite;
    private SidcHttpServer? _silso;
    private FunctionsHostEmulator? _host;
    private FunctionsServer? _standIn;

    internal AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    internal SidcHttpServer Silso => _silso ?? throw new InvalidOperationException("The SILSO stand-in has not started.");

    internal FunctionsHostEmulator Host => _host ?? throw new InvalidOperationException("The emulated host has not started.");

    /// <summary>The stand-in over the worker's storage and settings.</summary>
    public FunctionsServer StandIn => _standIn ?? throw new InvalidOperationException("The stand-in has not started.");

    internal EmulatorOptions Options { get; private set; } = null!;

    /// <summary>The file's last day (yesterday, UTC, when the fixture started).</summary>
    public DateOnly LastDay { get; private set; }

    /// <summary>What the ingest timer's invocation answered.</summary>
    internal InvocationResult Ingest { get; private set; } = null!;

    /// <summary>Every queue message the emulated listener handed the worker after the ingest, in order.</summary>
    internal IReadOnlyList<QueueDelivery> Retrains { get; private set; } = [];

    /// <summary>Each model's registered versions as the cycle left them, before any test ran (the comparison's requests promote by hand).</summary>
    internal IReadOnlyDictionary<string, IReadOnlyList<Core.Storage.ModelVersion>> VersionsAfterCycle { get; private set; } = new Dictionary<string, IReadOnlyList<Core.Storage.ModelVersion>>();

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        LastDay = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
        _silso = new SidcHttpServer(SidcFile(LastDay));
        Options = WorkerFixture.Settings(_azurite.ConnectionString, _silso.Url);
        _host = await FunctionsHostEmulator.StartAsync(Options);

        Ingest = await _host.InvokeTimerAsync("IngestSunspots");
        var retrains = new List<QueueDelivery>();
        // A bounded number of passes: a retrain that is busy comes back only minutes later.
        for (int pass = 0; pass < 10; pass++)
        {
            IReadOnlyList<QueueDelivery> batch = await _host.ProcessQueueOnceAsync();
            if (batch.Count == 0)
            {
                break;
            }

            retrains.AddRange(batch);
        }

        Retrains = retrains;
        _standIn = await StartStandInAsync(Options);
        var registry = _standIn.Get<Core.Storage.ModelRegistry>();
        VersionsAfterCycle = new Dictionary<string, IReadOnlyList<Core.Storage.ModelVersion>>
        {
            ["sunspots"] = [.. await registry.ListAsync("sunspots", CancellationToken.None)],
            ["cars"] = [.. await registry.ListAsync("cars", CancellationToken.None)],
        };
    }

    /// <summary>The synthetic SILSO file from <see cref="FirstDay"/> to <paramref name="lastDay"/>: an 11-year cycle and noise a model beats persistence on by a wide margin.</summary>
    internal static string SidcFile(DateOnly lastDay) =>
        new SidcCsvBuilder().StartingOn(FirstDay).WithDays(lastDay.DayNumber - FirstDay.DayNumber + 1).Build();

    /// <summary>The stand-in with the app's services composed from <paramref name="options"/>' app settings, as the worker composes its own from the same environment.</summary>
    internal static Task<FunctionsServer> StartStandInAsync(EmulatorOptions options) =>
        FunctionsServer.StartAsync(services => services.AddLogging().AddSunspotCore(Configuration(options)));

    /// <summary>The app's services over <paramref name="options"/>' settings, for a test to read storage as the app does.</summary>
    internal static ServiceProvider Services(EmulatorOptions options) =>
        new ServiceCollection().AddLogging().AddSunspotCore(Configuration(options)).BuildServiceProvider();

    /// <summary><paramref name="options"/>' app settings as configuration ("Storage__Blobs" read as "Storage:Blobs", as environment variables are).</summary>
    private static IConfiguration Configuration(EmulatorOptions options) => new ConfigurationBuilder()
        .AddInMemoryCollection(options.AppSettings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value)))
        .Build();

    /// <summary>The worker's logs and output, for a failure's message.</summary>
    internal string Describe() =>
        $"{string.Join(Environment.NewLine, Host.Logs.TakeLast(30))}{Environment.NewLine}{Host.WorkerOutput}";

    public async Task DisposeAsync()
    {
        if (_standIn is not null)
        {
            await _standIn.DisposeAsync();
        }

        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _silso?.Dispose();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

/// <summary>The tests that need the worker serving trained champions; one fixture, trained once, for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class ServedWorkerCollection : ICollectionFixture<ServedWorkerFixture>
{
    public const string Name = "Served worker";
}
