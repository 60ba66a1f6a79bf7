using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SunspotForecaster.Core;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

// The HTTP API under load: GET /api/forecast, POST /api/forecast and POST /api/classify, each
// answered by the function classes behind the Kestrel stand-in the tests use, on a real Azurite,
// with champions trained here with the default settings (on the snapshot in data/).
//
//   dotnet run -c Release --project tests/LoadTest -- --clients 64 --requests 10000 [--data FILE] [--json]
//
// Client and server share this process and its cores, as a function app and its callers never
// do: the figures are a floor for what one instance of this size serves.
int clients = Option("--clients", 64);
int requests = Option("--requests", 10_000);
bool json = args.Contains("--json");
string data = OptionText("--data") ?? (File.Exists(RepositoryPaths.RealSidcFile) ? RepositoryPaths.RealSidcFile : Synthetic());

await using AzuriteServer azurite = await AzuriteServer.StartAsync();
DateOnly lastDay = LastDate(data);
// "Today" is the day after the data's last day, so that tomorrow is lead 1 whatever the date.
var clock = new DayAfter(lastDay);
await using FunctionsServer server = await FunctionsServer.StartAsync(services =>
{
    services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    services.AddSingleton<TimeProvider>(clock);
    // The app's own car-model gate (every sequence up to 64 steps), not the tests' shorter one.
    services.AddSunspotCore(TestSettings.For(azurite.ConnectionString, ("Promotion:CarEnumerationMaxLength", 64)));
});
Log($"training the champions on {data} (default settings) ...");
IngestResult ingest = await server.Get<IngestService>().IngestAsync(data, CancellationToken.None);
var retrain = server.Get<RetrainService>();
await retrain.RetrainAsync(new RetrainRequest("sunspots", ingest.BlobName, ingest.Sha256, "manual", clock.GetUtcNow()), null, CancellationToken.None);
await retrain.RetrainAsync(new RetrainRequest("cars", null, null, "manual", clock.GetUtcNow()), null, CancellationToken.None);

var random = new Random(42);
float[] values = Values(data);
Request[] getForecast = [.. Enumerable.Range(1, 30).Select(days => new Request(HttpMethod.Get, $"api/forecast?days={days}", null))];
Request[] postForecast = [.. Enumerable.Range(0, 64).Select(_ =>
{
    int end = random.Next(200, values.Length);
    string history = string.Join(",", values[(end - 100)..end].Select(v => v.ToString("0.0", CultureInfo.InvariantCulture)));
    return new Request(HttpMethod.Post, "api/forecast", $"{{\"history\":[{history}],\"days\":{random.Next(1, 31)}}}");
})];
Request[] classify = [.. Enumerable.Range(0, 64).Select(_ =>
{
    int length = random.Next(1, 65), colour = random.Next(1, 4), start = random.Next(length), end = random.Next(start, length);
    return new Request(HttpMethod.Post, "api/classify", $"{{\"sequence\":[{string.Join(",", Enumerable.Range(0, length).Select(i => i >= start && i <= end ? colour : 0))}]}}");
})];

using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { BaseAddress = server.Root };
var results = new JsonObject();
foreach ((string name, Request[] distinct) in new[] { ("getForecast", getForecast), ("postForecast", postForecast), ("classify", classify) })
{
    results[name] = await MeasureAsync(name, distinct);
}

Console.WriteLine(json ? results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : Table(results));
return 0;

async Task<JsonObject> MeasureAsync(string name, Request[] distinct)
{
    // Each distinct request made alone first: what every answer under load must equal.
    var serial = new Dictionary<Request, string>();
    foreach (Request request in distinct)
    {
        (int status, string body) = await SendAsync(request);
        serial[request] = status == 200 ? Comparable(body) : throw new InvalidOperationException($"{request.Path} answered {status} alone: {body}");
    }

    await RunAsync(distinct, Math.Max(requests / 5, 1_000), null);
    long rssBefore = SettledRss();
    long tensorsBefore = TorchSharp.torch.Tensor.TotalCount;
    var latencies = new ConcurrentBag<double>();
    var outcome = new Outcome();
    var wall = Stopwatch.StartNew();
    await RunAsync(distinct, requests, (request, status, body, milliseconds) =>
    {
        latencies.Add(milliseconds);
        if (status != 200)
        {
            Interlocked.Increment(ref outcome.Errors);
        }
        else if (Comparable(body) != serial[request])
        {
            Interlocked.Increment(ref outcome.Different);
        }
    });
    wall.Stop();
    long rssAfter = SettledRss();
    double[] sorted = [.. latencies.Order()];
    Log($"{name}: {requests:N0} requests in {wall.Elapsed.TotalSeconds:0.00} s");
    return new JsonObject
    {
        ["requests"] = requests,
        ["clients"] = clients,
        ["errors"] = outcome.Errors,
        ["p50Ms"] = Math.Round(Percentile(sorted, 0.50), 3),
        ["p99Ms"] = Math.Round(Percentile(sorted, 0.99), 3),
        ["requestsPerSecond"] = Math.Round(requests / wall.Elapsed.TotalSeconds, 0),
        ["identicalToSerial"] = outcome.Different == 0 && outcome.Errors == 0,
        ["rssGrowthMb"] = Math.Round((rssAfter - rssBefore) / 1048576.0, 1),
        ["liveTensorsDelta"] = TorchSharp.torch.Tensor.TotalCount - tensorsBefore,
    };
}

async Task RunAsync(Request[] distinct, int count, Action<Request, int, string, double>? record)
{
    int next = -1;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < count)
        {
            Request request = distinct[i % distinct.Length];
            long start = Stopwatch.GetTimestamp();
            (int status, string body) = await SendAsync(request);
            record?.Invoke(request, status, body, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
    })));
}

async Task<(int Status, string Body)> SendAsync(Request request)
{
    try
    {
        using var message = new HttpRequestMessage(request.Method, request.Path);
        if (request.Body is { } body)
        {
            message.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await client.SendAsync(message);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
    catch (HttpRequestException e)
    {
        return (0, e.Message);
    }
}

// The answer without issuedAt, the one member that says when rather than what.
static string Comparable(string body)
{
    JsonNode node = JsonNode.Parse(body)!;
    if (node is JsonObject answer)
    {
        answer.Remove("issuedAt");
    }

    return node.ToJsonString();
}

static long SettledRss()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    using var self = Process.GetCurrentProcess();
    return self.WorkingSet64;
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static string Table(JsonObject results)
{
    var text = new StringBuilder("route          requests clients errors   p50 ms   p99 ms   req/s  identical  RSS growth MB  live tensors\n");
    foreach ((string name, JsonNode? r) in results)
    {
        text.Append(CultureInfo.InvariantCulture, $"{name,-14} {r!["requests"],8} {r["clients"],7} {r["errors"],6} {r["p50Ms"],8} {r["p99Ms"],8} {r["requestsPerSecond"],7}  {r["identicalToSerial"],9}  {r["rssGrowthMb"],13}  {r["liveTensorsDelta"],12}\n");
    }

    return text.ToString();
}

static DateOnly LastDate(string file)
{
    string last = File.ReadLines(file).Last(l => l.Trim().Length > 0);
    string[] fields = last.Split(';');
    return new DateOnly(int.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
}

static float[] Values(string file) =>
    [.. File.ReadLines(file).Where(l => l.Trim().Length > 0).Select(l => float.Parse(l.Split(';')[4], CultureInfo.InvariantCulture)).Where(v => v >= 0).TakeLast(20_000)];

static string Synthetic()
{
    string file = Path.Combine(Path.GetTempPath(), $"sidc-load-{Guid.NewGuid():N}.csv");
    File.WriteAllText(file, new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(10_592).Build());
    return file;
}

int Option(string name, int fallback) => OptionText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? OptionText(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static void Log(string line) => Console.Error.WriteLine(line);

internal sealed record Request(HttpMethod Method, string Path, string? Body);

internal sealed class Outcome
{
    public int Errors;
    public int Different;
}

/// <summary>The day after the data's last day, at noon, with time flowing.</summary>
internal sealed class DayAfter(DateOnly lastDay) : TimeProvider
{
    private readonly TimeSpan _offset = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero) - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}
