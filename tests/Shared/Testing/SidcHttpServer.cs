using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SunspotForecaster.Tests;

/// <summary>
/// A stand-in for SILSO's server on 127.0.0.1: answers every request with the body and status it is
/// given; with an ETag it sends it and answers 304 to a request that presents it (If-None-Match).
/// </summary>
public sealed class SidcHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public SidcHttpServer(string body, HttpStatusCode status = HttpStatusCode.OK, string contentType = "text/csv", string? etag = null)
    {
        Body = body;
        ETag = etag;
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

                Interlocked.Increment(ref _requests);
                string? currentETag = ETag;
                if (currentETag is not null && context.Request.Headers["If-None-Match"] == currentETag)
                {
                    Interlocked.Increment(ref _notModified);
                    context.Response.StatusCode = (int)HttpStatusCode.NotModified;
                    context.Response.Close();
                    continue;
                }

                byte[] bytes = Encoding.ASCII.GetBytes(Body);
                context.Response.StatusCode = (int)status;
                context.Response.ContentType = contentType;
                if (currentETag is not null)
                {
                    context.Response.Headers["ETag"] = currentETag;
                }

                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
    }

    private int _requests;
    private int _notModified;

    public string Url { get; }

    /// <summary>What the server sends; a test may change it (and the ETag) to publish a new file.</summary>
    public string Body { get; set; }

    public string? ETag { get; set; }

    public int Requests => _requests;

    public int NotModifiedAnswers => _notModified;

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
