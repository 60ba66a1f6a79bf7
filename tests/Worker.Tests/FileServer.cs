using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SunspotForecaster.Worker.Tests;

/// <summary>A stand-in for SILSO's download: one file over HTTP on 127.0.0.1, read afresh on every request; counts the requests.</summary>
internal sealed class FileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private FileServer(WebApplication app, string path)
    {
        _app = app;
        app.MapGet("/SN_d_tot_V2.0.csv", async context =>
        {
            Interlocked.Increment(ref _requests);
            context.Response.ContentType = "text/csv";
            await context.Response.SendFileAsync(path);
        });
    }

    public Uri Url { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<FileServer> StartAsync(string path)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new FileServer(builder.Build(), path);
        await server._app.StartAsync();
        string address = server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Url = new Uri(address.TrimEnd('/') + "/SN_d_tot_V2.0.csv");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
