using SunspotForecaster.HostEmulator;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// One Azurite and one worker behind the host emulator, shared by the tests of the "Worker"
/// collection. The worker gets local.settings.sample.json's settings, with storage on this Azurite
/// under names no other run uses, and a synthetic SILSO file on disk as its download source.
/// </summary>
public sealed class WorkerFixture : IAsyncLifetime
{
    private readonly TemporaryDirectory _folder = new();
    private AzuriteServer? _azurite;
    private FunctionsHostEmulator? _host;
    private SidcHttpServer? _silso;

    internal AzuriteServer Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    internal FunctionsHostEmulator Host => _host ?? throw new InvalidOperationException("The emulated host has not started.");

    internal EmulatorOptions Options { get; private set; } = null!;

    /// <summary>The synthetic SILSO daily file the ingest timer downloads (Ingest:SourceUrl points at its stand-in server).</summary>
    public string SidcFile => Path.Combine(_folder.Path, "SN_d_tot_V2.0.csv");

    internal SidcHttpServer Silso => _silso ?? throw new InvalidOperationException("The SILSO stand-in has not started.");

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        string file = new SidcCsvBuilder().StartingOn(new DateOnly(2000, 1, 1)).WithDays(4000).Build();
        await File.WriteAllTextAsync(SidcFile, file);
        _silso = new SidcHttpServer(file);
        Options = Settings(_azurite.ConnectionString, _silso.Url);
        _host = await FunctionsHostEmulator.StartAsync(Options);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _silso?.Dispose();

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        _folder.Dispose();
    }

    /// <summary>The sample settings with storage on <paramref name="connectionString"/> under fresh names, and the ingest source <paramref name="sidcUrl"/>.</summary>
    internal static EmulatorOptions Settings(string connectionString, string sidcUrl)
    {
        var options = new EmulatorOptions { WorkerDirectory = Paths.WorkerDirectory, QueueVisibilityTimeout = TimeSpan.Zero }.WithLocalSettings(Paths.SampleSettings);

        foreach ((string key, string value) in new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Storage__Blobs"] = connectionString,
            ["Storage__Tables"] = connectionString,
            ["Storage__Queues"] = connectionString,
            ["Storage__RawContainer"] = UniqueNames.Container("raw"),
            ["Storage__ModelsContainer"] = UniqueNames.Container("models"),
            ["Storage__IngestRunsTable"] = UniqueNames.Table("runs"),
            ["Storage__ModelVersionsTable"] = UniqueNames.Table("versions"),
            ["Storage__ModelAliasesTable"] = UniqueNames.Table("aliases"),
            ["Storage__ForecastLedgerTable"] = UniqueNames.Table("ledger"),
            ["Storage__RetrainQueue"] = UniqueNames.Queue("retrain"),
            ["Ingest__SourceUrl"] = sidcUrl,
            ["Ingest__Retries"] = "1",
            ["Promotion__CarEnumerationMaxLength"] = "8",
        })
        {
            options.AppSettings[key] = value;
        }

        return options;
    }
}

[CollectionDefinition(Name)]
public sealed class WorkerCollection : ICollectionFixture<WorkerFixture>
{
    public const string Name = "Worker";
}

/// <summary>A worker of its own (its own storage names) for the timer and queue tests, whose data and messages the HTTP tests must not see.</summary>
[CollectionDefinition(Name)]
public sealed class BackgroundCollection : ICollectionFixture<WorkerFixture>
{
    public const string Name = "Worker with background triggers";
}
