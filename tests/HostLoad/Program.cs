using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using SunspotForecaster.HostEmulator;
using SunspotForecaster.HostLoad;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;

// The HTTP API under load as its clients measure it: wrk (a process of its own) against the real
// worker behind the host emulator, and against a bare Kestrel answering the GET's exact bytes (the
// stack's own limit on this machine). Azurite in memory; champions trained here through the
// worker's own ingest timer and retrain queue, on a synthetic SILSO file that ends yesterday (the
// committed snapshot is too old for GET /api/forecast to answer).
//
//   bash scripts/load.sh [--duration 10] [--connections 64] [--threads 2] [--warmup 3] [--json]
int duration, connections, threads, warmup;
string wrk;
bool json = args.Contains("--json");
string[] known = ["--duration", "--connections", "--threads", "--warmup", "--wrk", "--set", "--json"];
try
{
    duration = Option("--duration", 10, 1, 600);
    connections = Option("--connections", 64, 1, 10_000);
    threads = Option("--threads", 2, 1, 64);
    warmup = Option("--warmup", 3, 0, 600);
    wrk = OptionText("--wrk") ?? "wrk";
}
catch (ArgumentException e)
{
    return Fail(e.Message);
}

if (args.FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal) && !known.Contains(a)) is { } unknown)
{
    return Fail($"Unknown option '{unknown}'. Options: {string.Join(", ", known)}.");
}

if (threads > connections)
{
    return Fail($"--threads ({threads}) cannot exceed --connections ({connections}): wrk gives each thread at least one connection.");
}

using var scratch = new TemporaryDirectory();
await using AzuriteServer azurite = await AzuriteServer.StartAsync();
DateOnly yesterday = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1);
var first = new DateOnly(1975, 1, 1);
var sidc = new SidcCsvBuilder().StartingOn(first).WithDays(yesterday.DayNumber - first.DayNumber + 1);
using var silso = new SidcHttpServer(sidc.Build());

string root = RepositoryPaths.Root;
var options = new EmulatorOptions
{
    WorkerDirectory = Path.Combine(root, "src", "Functions", "bin", "Release", "net10.0", System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier),
}.WithLocalSettings(Path.Combine(root, "local.settings.sample.json"));
foreach (string key in options.AppSettings.Where(s => s.Value == "UseDevelopmentStorage=true").Select(s => s.Key).ToArray())
{
    options.AppSettings[key] = azurite.ConnectionString;
}

for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--set")
    {
        string assignment = i + 1 < args.Length ? args[++i] : "";
        int equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return Fail($"--set wants NAME=VALUE (an app setting for the worker), not '{assignment}'.");
        }

        options.AppSettings[assignment[..equals]] = assignment[(equals + 1)..];
    }
}

options.AppSettings["Ingest__SourceUrl"] = silso.Url;
options.AppSettings["Ingest__Retries"] = "1";
// The tests' short gate for the car model (every sequence up to 8 steps): classify serves the same way whatever the gate.
options.AppSettings["Promotion__CarEnumerationMaxLength"] = "8";

Log($"worker: {options.WorkerDirectory}");
await using FunctionsHostEmulator host = await FunctionsHostEmulator.StartAsync(options);
Log($"ingest ({sidc.LastDate:yyyy-MM-dd} the last day) and retrains through the worker's timer and queue …");
InvocationResult ingest = await host.InvokeTimerAsync("IngestSunspots");
if (!ingest.Succeeded)
{
    return Fail($"The ingest failed: {ingest}");
}

IReadOnlyList<QueueDelivery> deliveries;
while ((deliveries = await host.ProcessQueueOnceAsync()).Count > 0)
{
    foreach (QueueDelivery delivery in deliveries)
    {
        Log($"  {delivery.FunctionName}: {delivery.Outcome} {delivery.Invocation}");
    }
}

using HttpClient client = host.CreateClient();
float[] values = [.. sidc.Values().TakeLast(200)];
string forecastBody = $"{{\"history\":[{string.Join(",", values.Select(v => v.ToString("0", CultureInfo.InvariantCulture)))}],\"days\":7}}";
const string classifyBody = """{"sequence":[0,0,0,2,2,2,2,2,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]}""";
var targets = new List<(string Name, Uri Url, string? Body)>
{
    ("GET /api/forecast", new Uri(host.BaseAddress, "api/forecast"), null),
    ("GET /api/forecast?days=30", new Uri(host.BaseAddress, "api/forecast?days=30"), null),
    ("POST /api/forecast", new Uri(host.BaseAddress, "api/forecast"), forecastBody),
    ("POST /api/classify", new Uri(host.BaseAddress, "api/classify"), classifyBody),
};
foreach ((string name, Uri url, string? body) in targets)
{
    using HttpResponseMessage answer = body is null ? await client.GetAsync(url) : await client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));
    if (answer.StatusCode != HttpStatusCode.OK)
    {
        return Fail($"{name} answered {(int)answer.StatusCode} before the load: {await answer.Content.ReadAsStringAsync()}");
    }
}

// One real answer of GET /api/forecast, served by a bare Kestrel with the same body and headers.
using HttpResponseMessage captured = await client.GetAsync("api/forecast");
byte[] capturedBody = await captured.Content.ReadAsByteArrayAsync();
string[] kestrelOwn = ["Date", "Server", "Content-Length", "Transfer-Encoding"];
KeyValuePair<string, string[]>[] capturedHeaders = [.. captured.Headers.Concat(captured.Content.Headers)
    .Where(h => !kestrelOwn.Contains(h.Key, StringComparer.OrdinalIgnoreCase))
    .Select(h => new KeyValuePair<string, string[]>(h.Key, [.. h.Value]))];
await using WebApplication bare = await BareAsync(capturedBody, capturedHeaders);
var bareUrl = new Uri(new Uri(bare.Urls.Single()), "api/forecast");
using (HttpResponseMessage check = await client.GetAsync(bareUrl))
{
    byte[] bytes = await check.Content.ReadAsByteArrayAsync();
    string headers(HttpResponseMessage m) => string.Join("; ", m.Headers.Concat(m.Content.Headers).Where(h => h.Key != "Date").OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
    if (!bytes.AsSpan().SequenceEqual(capturedBody) || headers(check) != headers(captured))
    {
        return Fail($"The bare server's answer differs from the captured one:{Environment.NewLine}{headers(check)}{Environment.NewLine}{headers(captured)}");
    }

    Log($"bare Kestrel answers the captured GET byte for byte ({capturedBody.Length:N0} bytes; {headers(check)})");
}

targets.Add(("GET /api/forecast (bare Kestrel)", bareUrl, null));
int emulatorPid = Environment.ProcessId;
int workerPid = host.WorkerProcessId ?? throw new InvalidOperationException("The worker has no process id.");
var results = new JsonObject();
foreach ((string name, Uri url, string? body) in targets)
{
    if (warmup > 0)
    {
        await Wrk.RunAsync(wrk, url, body, threads, connections, TimeSpan.FromSeconds(warmup), scratch.Path);
    }

    string load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
    TimeSpan emulatorBefore = Cpu(emulatorPid), workerBefore = Cpu(workerPid);
    int logsBefore = host.Logs.Count;
    WrkResult result = await Wrk.RunAsync(wrk, url, body, threads, connections, TimeSpan.FromSeconds(duration), scratch.Path);
    double emulatorUs = (Cpu(emulatorPid) - emulatorBefore).TotalMicroseconds / Math.Max(result.Requests, 1);
    double workerUs = (Cpu(workerPid) - workerBefore).TotalMicroseconds / Math.Max(result.Requests, 1);
    double logsPerRequest = (double)(host.Logs.Count - logsBefore) / Math.Max(result.Requests, 1);
    Log($"{name}: {result.RequestsPerSecond:N0} req/s, p50 {result.P50Ms:0.00} ms, p99 {result.P99Ms:0.00} ms, {logsPerRequest:0.0} worker logs a request (load {load} before)");
    results[name] = new JsonObject
    {
        ["requestsPerSecond"] = Math.Round(result.RequestsPerSecond),
        ["p50Ms"] = Math.Round(result.P50Ms, 2),
        ["p99Ms"] = Math.Round(result.P99Ms, 2),
        ["requests"] = result.Requests,
        ["notOk"] = result.NotOk,
        ["socketErrors"] = result.SocketErrors,
        ["emulatorCpuUsPerRequest"] = Math.Round(emulatorUs, 1),
        ["workerCpuUsPerRequest"] = name.Contains("bare", StringComparison.Ordinal) ? null : Math.Round(workerUs, 1),
        ["workerLogsPerRequest"] = Math.Round(logsPerRequest, 1),
        ["loadAverageBefore"] = double.Parse(load, CultureInfo.InvariantCulture),
    };
}

double bareRate = results["GET /api/forecast (bare Kestrel)"]!["requestsPerSecond"]!.GetValue<double>();
foreach ((string _, JsonNode? r) in results)
{
    r!["percentOfBare"] = Math.Round(100 * r["requestsPerSecond"]!.GetValue<double>() / bareRate, 1);
}

results["machine"] = new JsonObject
{
    ["cpu"] = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim(),
    ["cores"] = Environment.ProcessorCount,
    ["wrk"] = $"-t{threads} -c{connections} -d{duration}s --latency (after a {warmup} s warm-up)",
};
Console.WriteLine(json ? results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) : Table(results));
return 0;

static async Task<WebApplication> BareAsync(byte[] body, KeyValuePair<string, string[]>[] headers)
{
    WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
    WebApplication app = builder.Build();
    app.MapGet("/api/forecast", (HttpContext context) =>
    {
        foreach ((string name, string[] values) in headers)
        {
            context.Response.Headers[name] = values;
        }

        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    });
    await app.StartAsync();
    return app;
}

static TimeSpan Cpu(int pid)
{
    using var process = Process.GetProcessById(pid);
    return process.TotalProcessorTime;
}

static string Table(JsonObject results)
{
    var text = new StringBuilder();
    text.Append(CultureInfo.InvariantCulture, $"{"target",-34} {"req/s",8} {"p50 ms",7} {"p99 ms",7} {"not 2xx",8} {"% of bare",9} {"emulator CPU µs/req",20} {"worker CPU µs/req",18}\n");
    foreach ((string name, JsonNode? r) in results.Where(r => r.Key != "machine"))
    {
        text.Append(CultureInfo.InvariantCulture,
            $"{name,-34} {r!["requestsPerSecond"],8} {r["p50Ms"],7} {r["p99Ms"],7} {r["notOk"]!.GetValue<long>() + r["socketErrors"]!.GetValue<long>(),8} {r["percentOfBare"],9} {r["emulatorCpuUsPerRequest"],20} {r["workerCpuUsPerRequest"]?.ToString() ?? "-",18}\n");
    }

    JsonNode machine = results["machine"]!;
    text.Append(CultureInfo.InvariantCulture, $"{machine["cpu"]}, {machine["cores"]} cores; wrk {machine["wrk"]}; \"emulator\" is this process (the emulated host's HTTP front and gRPC, and the bare Kestrel)\n");
    return text.ToString();
}

int Option(string name, int fallback, int min, int max)
{
    if (OptionText(name) is not { } text)
    {
        return fallback;
    }

    return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
        ? value
        : throw new ArgumentException($"{name} is a whole number from {min} to {max}, not '{text}'.");
}

string? OptionText(string name)
{
    int i = Array.IndexOf(args, name);
    return i < 0 ? null : i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[i + 1] : throw new ArgumentException($"{name} wants a value.");
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 1;
}

static void Log(string line) => Console.Error.WriteLine(line);
