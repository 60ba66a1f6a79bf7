using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SunspotForecaster.Cli.Tests;

/// <summary>A stand-in for SILSO's server on 127.0.0.1: answers every request with the body and status it is given.</summary>
public sealed class SidcHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public SidcHttpServer(string body, HttpStatusCode status = HttpStatusCode.OK, string contentType = "text/csv")
    {
        int port = FreePort();
        Url = $"http://127.0.0.1:{port}/SILSO/INFO/sndtotcsv.php";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _serving = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                byte[] bytes = Encoding.ASCII.GetBytes(body);
                context.Response.StatusCode = (int)status;
                context.Response.ContentType = contentType;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
    }

    public string Url { get; }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
