using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Functions.Background;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// The app on a chosen day behind its own server, as SILSO's rhythm leaves it: a daily file ending
/// 2026-01-31 with January provisional, and a daily estimate (EISN), both from stand-ins on
/// 127.0.0.1; the shared champion serving.
/// </summary>
public sealed class EstimateScenario : IAsyncDisposable
{
    public static readonly DateOnly FileEnd = new(2026, 1, 31);

    private static readonly DateOnly FileStart = new(2000, 1, 1);

    private EstimateScenario(FunctionsServer server, SidcHttpServer sidc, SidcHttpServer eisn)
    {
        Server = server;
        Sidc = sidc;
        Eisn = eisn;
    }

    public FunctionsServer Server { get; }

    public SidcHttpServer Sidc { get; }

    /// <summary>The estimate's stand-in: change its body, ETag or script between ingests.</summary>
    public SidcHttpServer Eisn { get; }

    /// <summary>Day <paramref name="today"/>: the daily file ingested, the estimate served with <paramref name="eisn"/> (not yet ingested), the shared champion promoted.</summary>
    public static async Task<EstimateScenario> StartAsync(ServedAppFixture app, AzuriteFixture azurite, DateOnly today, string? eisn)
    {
        ArgumentNullException.ThrowIfNull(app);
        var sidc = new SidcHttpServer(new SidcCsvBuilder().StartingOn(FileStart).WithDays(FileEnd.DayNumber - FileStart.DayNumber + 1).WithProvisionalFrom(new DateOnly(2026, 1, 1)).Build(), etag: "\"sidc\"");
        var estimate = new SidcHttpServer(eisn ?? "", contentType: "text/csv", etag: "\"eisn-1\"");
        FunctionsServer server = await ServedAppFixture.StartAsync(azurite, clock: ShiftedClock.At(today), extra: [("Ingest:SourceUrl", sidc.Url), ("Ingest:EisnSourceUrl", estimate.Url)]);
        await server.Get<IngestService>().IngestAsync(null, CancellationToken.None);
        await app.ServeTheForecasterAsync(server.Services);
        return new EstimateScenario(server, sidc, estimate);
    }

    /// <summary>What the hourly timer does: fetch the estimate (then score the ledger).</summary>
    public Task IngestEisnAsync() => Server.Get<IngestEisn>().Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Sidc.Dispose();
        Eisn.Dispose();
    }
}
