using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SunspotForecaster.Testing;

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
                if (Script.TryDequeue(out string? misbehaviour) && await MisbehaveAsync(context, misbehaviour))
                {
                    continue;
                }

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

    /// <summary>
    /// How the next requests go wrong, one entry each: "500" (or any status), "hang" (never
    /// answers), "cut" (sends half the body, then drops the connection), "stall" (sends the headers
    /// and a first part, then nothing, holding the connection open), "endless" (a chunked body
    /// without Content-Length that never ends); then normal answers again.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Script { get; } = new();

    /// <summary>What the server sends; a test may change it (and the ETag) to publish a new file.</summary>
    public string Body { get; set; }

    public string? ETag { get; set; }

    public int Requests => _requests;

    public int NotModifiedAnswers => _notModified;

    private readonly CancellationTokenSource _stopping = new();

    private async Task<bool> MisbehaveAsync(HttpListenerContext context, string misbehaviour)
    {
        switch (misbehaviour)
        {
            case "hang":
                _ = Task.Delay(Timeout.Infinite, _stopping.Token).ContinueWith(_ => context.Response.Abort(), TaskScheduler.Default);
                return true;
            case "cut":
                byte[] bytes = Encoding.ASCII.GetBytes(Body);
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await context.Response.OutputStream.FlushAsync();
                context.Response.Abort();
                return true;
            case "stall":
                context.Response.SendChunked = true;
                await context.Response.OutputStream.WriteAsync(Encoding.ASCII.GetBytes(Body).AsMemory(0, 100));
                await context.Response.OutputStream.FlushAsync();
                _ = Task.Delay(Timeout.Infinite, _stopping.Token).ContinueWith(_ => context.Response.Abort(), TaskScheduler.Default);
                return true;
            case "endless":
                context.Response.SendChunked = true;
                byte[] row = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(SidcCsvBuilder.Row(new DateOnly(2000, 1, 1), 100, 5, 20, 1) + "\n", 2000)));
                try
                {
                    while (!_stopping.IsCancellationRequested)
                    {
                        await context.Response.OutputStream.WriteAsync(row, _stopping.Token);
                    }
                }
                catch (Exception e) when (e is HttpListenerException or IOException or OperationCanceledException or ObjectDisposedException)
                {
                    // The client hung up: what a bounded download does.
                }

                context.Response.Abort();
                return true;
            default:
                context.Response.StatusCode = int.Parse(misbehaviour, System.Globalization.CultureInfo.InvariantCulture);
                context.Response.Close();
                return true;
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
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
