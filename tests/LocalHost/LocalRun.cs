using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using SunspotForecaster.HostEmulator;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.LocalHost;

/// <summary>
/// One local run: storage (an Azurite of its own, or one already running), the ingest's source,
/// the emulated host with the real worker, and the host's background work: each timer on its
/// schedule, the queue listener polling with host.json's settings. Ends on <c>stopping</c>, or
/// when the worker exits by itself.
/// </summary>
internal sealed class LocalRun(LocalRunOptions options, TextWriter output)
{
    private const string DevelopmentStorage = "UseDevelopmentStorage=true";
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan AzuriteStopGrace = TimeSpan.FromSeconds(10);

    private readonly Lock _writing = new();
    private readonly HostLogLevels _levels = new(WorkerDirectory);

    /// <summary>src/Functions' Release output, written into this assembly at build time.</summary>
    public static string WorkerDirectory { get; } = typeof(LocalRun).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WorkerDirectory").Value!;

    public async Task<int> RunAsync(CancellationToken stopping)
    {
        string settingsFile = options.SettingsFile ?? DefaultSettingsFile();
        var emulatorOptions = new EmulatorOptions
        {
            WorkerDirectory = WorkerDirectory,
            FunctionKey = options.FunctionKey,
            HttpPort = options.Port,
            OnLog = Print,
            OnWorkerOutput = line => Write($"worker: {line}"),
        };
        try
        {
            emulatorOptions.WithLocalSettings(settingsFile);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ArgumentException($"{settingsFile} is not a local.settings.json (JSON with a \"Values\" object of strings): {e.Message}", e);
        }

        foreach ((string name, string value) in options.Overrides)
        {
            emulatorOptions.AppSettings[name] = value;
        }

        Write($"Settings: {settingsFile}{(options.Overrides.Count == 0 ? "" : $" with {string.Join(", ", options.Overrides.Select(o => o.Key))} set")}");
        if (options.Port != 0)
        {
            RefuseTaken(options.Port, $"the host's port {options.Port} (another func start or local run? give --port)");
        }

        AzuriteServer? azurite = await StorageAsync(emulatorOptions.AppSettings, stopping);
        SidcHttpServer? source = null;
        FunctionsHostEmulator? host = null;
        try
        {
            source = await SourceAsync(emulatorOptions.AppSettings, stopping);
            Write($"Starting the worker {Path.Combine(WorkerDirectory, "SunspotForecaster.Functions.dll")} …");
            host = await FunctionsHostEmulator.StartAsync(emulatorOptions);
            IReadOnlyList<(LoadedFunction Function, TimerSchedule Schedule)> timers = Timers(host, emulatorOptions);
            Banner(host, timers);

            using var background = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            List<Task> work = [.. timers.Select(t => TimerLoopAsync(host, t.Function, t.Schedule, background.Token)), QueueLoopAsync(host, background.Token)];
            Task done = await Task.WhenAny(Task.Delay(Timeout.Infinite, stopping).ContinueWith(_ => { }, TaskScheduler.Default), host.WorkerExited);
            int code = 0;
            if (done == host.WorkerExited)
            {
                Write($"The worker exited by itself with code {await host.WorkerExited}; stopping.");
                code = 1;
            }
            else
            {
                Write("Stopping: the worker is asked to terminate (WorkerTerminate) …");
            }

            await background.CancelAsync();
            await Task.WhenAll(work);
            await host.StopAsync();
            Write($"The worker has exited (code {await host.WorkerExited}).");
            return code;
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            source?.Dispose();
            if (azurite is not null)
            {
                await azurite.StopAsync(AzuriteStopGrace);
                Write("Azurite has stopped.");
            }
        }
    }

    /// <summary>Where func start would find the settings (the app's folder), then the repository root, then the sample.</summary>
    private static string DefaultSettingsFile()
    {
        foreach (string candidate in (string[])[
            Path.Combine(RepositoryPaths.Root, "src", "Functions", "local.settings.json"),
            Path.Combine(RepositoryPaths.Root, "local.settings.json")])
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return Path.Combine(RepositoryPaths.Root, "local.settings.sample.json");
    }

    /// <summary>Azurite for the settings that say UseDevelopmentStorage=true (rewritten to its endpoints); null when none does or one already runs.</summary>
    private async Task<AzuriteServer?> StorageAsync(IDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        string[] local = [.. settings.Where(s => string.Equals(s.Value.Trim(), DevelopmentStorage, StringComparison.OrdinalIgnoreCase)).Select(s => s.Key)];
        if (local.Length == 0)
        {
            Write("Storage: the settings' own connection strings (none is UseDevelopmentStorage=true), so no Azurite is started.");
            return null;
        }

        AzuriteServer? started = null;
        string connection;
        int[] ports = [options.AzuritePort, options.AzuritePort + 1, options.AzuritePort + 2];
        if (options.AzuritePort != 0 && ports.All(Answers) && await IsAzuriteAsync(ports[0], cancellationToken))
        {
            connection = ConnectionString(ports);
            Write($"Storage: the Azurite already answering on 127.0.0.1:{ports[0]}-{ports[2]} (left running at the end).");
        }
        else
        {
            if (options.AzuritePort != 0)
            {
                foreach (int port in ports)
                {
                    RefuseTaken(port, $"Azurite's port {port}, which something other than an Azurite holds (give --azurite-port)");
                }

                Directory.CreateDirectory(options.AzuriteData);
            }

            started = await AzuriteServer.StartAsync(
                new AzuriteStartOptions(ports[0], ports[0] == 0 ? 0 : ports[1], ports[0] == 0 ? 0 : ports[2], options.AzuritePort == 0 ? null : options.AzuriteData),
                cancellationToken);
            connection = started.ConnectionString;
            Write($"Storage: Azurite {started.Version} started on {started.BlobEndpoint.Authority}, {started.QueueEndpoint.Authority}, {started.TableEndpoint.Authority}"
                + (options.AzuritePort == 0 ? ", in memory." : $", data in {options.AzuriteData}."));
        }

        foreach (string key in local)
        {
            settings[key] = connection;
        }

        return started;
    }

    /// <summary>--source: a URL becomes Ingest:SourceUrl; a file is served from 127.0.0.1 (with an ETag, so a second ingest is a 304).</summary>
    private async Task<SidcHttpServer?> SourceAsync(IDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        if (options.Source is not { } location)
        {
            return null;
        }

        if (SidcSource.IsUrl(location))
        {
            settings["Ingest__SourceUrl"] = location;
            Write($"Ingest source: {location}");
            return null;
        }

        byte[] content = await SidcSource.ReadAsync(location, DownloadLimits.Sidc, cancellationToken);
        var server = new SidcHttpServer(Encoding.ASCII.GetString(content), etag: $"\"{Convert.ToHexString(SHA256.HashData(content))[..16]}\"");
        settings["Ingest__SourceUrl"] = server.Url;
        Write($"Ingest source: {Path.GetFullPath(location)}, served at {server.Url}");
        return server;
    }

    private List<(LoadedFunction Function, TimerSchedule Schedule)> Timers(FunctionsHostEmulator host, EmulatorOptions settings)
    {
        List<(LoadedFunction, TimerSchedule)> timers = [];
        foreach (LoadedFunction function in host.Functions.Where(f => f.Is("timerTrigger")))
        {
            string expression = settings.Resolve(function.TriggerProperty("schedule") ?? throw new InvalidOperationException($"{function.Name} has no schedule."));
            try
            {
                timers.Add((function, TimerSchedule.Parse(expression)));
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"{function.Name}: {e.Message}", e);
            }
        }

        return timers;
    }

    private void Banner(FunctionsHostEmulator host, IReadOnlyList<(LoadedFunction Function, TimerSchedule Schedule)> timers)
    {
        var text = new StringBuilder().AppendLine().AppendLine("Functions:");
        foreach (LoadedFunction function in host.Functions)
        {
            if (function.Is("httpTrigger"))
            {
                string methods = function.TriggerProperty("methods") is { } list
                    ? string.Join(",", System.Text.Json.JsonSerializer.Deserialize<string[]>(list)!.Select(m => m.ToUpperInvariant()))
                    : "ANY";
                string level = function.TriggerProperty("authLevel") ?? "Function";
                string route = function.TriggerProperty("route") ?? function.Name;
                text.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {function.Name}: [{methods}] {host.BaseAddress}{host.Host.RoutePrefix}/{route}{(string.Equals(level, "Anonymous", StringComparison.OrdinalIgnoreCase) ? "" : " (function key)")}");
            }
            else if (timers.FirstOrDefault(t => t.Function == function) is { Function: not null } timer)
            {
                text.AppendLine(System.Globalization.CultureInfo.InvariantCulture,
                    $"  {function.Name}: timerTrigger '{timer.Schedule.Expression}' (UTC), next {timer.Schedule.Next(DateTimeOffset.UtcNow):yyyy-MM-dd HH:mm:ss}Z{(RunsOnStartup(function) ? ", and now (runOnStartup)" : "")}");
            }
            else
            {
                text.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  {function.Name}: {function.TriggerType}{(function.Is("queueTrigger") ? $" '{host.QueueFor(function).Name}'" : "")}");
            }
        }

        text.AppendLine()
            .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"Function key: {options.FunctionKey}")
            .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"  curl -X POST -H \"x-functions-key: {options.FunctionKey}\" -H \"Content-Type: application/json\" {host.BaseAddress}{host.Host.RoutePrefix}/retrain -d '{{\"model\":\"sunspots\"}}'")
            .AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"Worker process: {host.WorkerProcessId}")
            .Append(System.Globalization.CultureInfo.InvariantCulture, $"Host listening on {host.BaseAddress}; Ctrl-C stops.");
        Write(text.ToString());
    }

    private static bool RunsOnStartup(LoadedFunction function) =>
        string.Equals(function.TriggerProperty("runOnStartup"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>As the host's timer: on start-up when the function says runOnStartup (or --ingest-now names it), then at each occurrence, one run at a time.</summary>
    private async Task TimerLoopAsync(FunctionsHostEmulator host, LoadedFunction function, TimerSchedule schedule, CancellationToken cancellationToken)
    {
        try
        {
            if (RunsOnStartup(function) || (options.IngestNow && function.Name == "IngestSunspots"))
            {
                await FireAsync(host, function, "at start-up", cancellationToken);
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                DateTimeOffset? next = schedule.Next(DateTimeOffset.UtcNow);
                if (next is not { } due)
                {
                    Write($"{function.Name}: the schedule '{schedule.Expression}' names no time in the next eight years; it never fires.");
                    return;
                }

                // In steps of at most a day: a timer far off outlasts Task.Delay's limit, and the clock may be changed.
                for (TimeSpan wait = due - DateTimeOffset.UtcNow; wait > TimeSpan.Zero; wait = due - DateTimeOffset.UtcNow)
                {
                    await Task.Delay(wait < TimeSpan.FromDays(1) ? wait : TimeSpan.FromDays(1), cancellationToken);
                }

                await FireAsync(host, function, $"on its schedule ({due:yyyy-MM-dd HH:mm:ss}Z)", cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task FireAsync(FunctionsHostEmulator host, LoadedFunction function, string why, CancellationToken cancellationToken)
    {
        Write($"Executing 'Functions.{function.Name}' (timer, {why})");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            InvocationResult result = await host.InvokeTimerAsync(function.Name, cancellationToken: cancellationToken);
            Write($"Executed 'Functions.{function.Name}' ({result.Status}, Id={result.InvocationId}, Duration={clock.ElapsedMilliseconds} ms){(result.Error is null ? "" : $": {result.Error}")}");
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            Write($"'Functions.{function.Name}' did not answer: {e.Message}");
        }
    }

    /// <summary>As the host's queue listener: a batch at a time; at once again after a message, backing off from 100 ms to host.json's maxPollingInterval while the queue is empty.</summary>
    private async Task QueueLoopAsync(FunctionsHostEmulator host, CancellationToken cancellationToken)
    {
        if (!host.Functions.Any(f => f.Is("queueTrigger")))
        {
            return;
        }

        TimeSpan wait = MinPollingInterval;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                IReadOnlyList<QueueDelivery> deliveries;
                try
                {
                    deliveries = await host.ProcessQueueOnceAsync(cancellationToken);
                }
                catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
                {
                    Write($"The queue listener could not read the queue: {e.Message}");
                    deliveries = [];
                    wait = host.Host.Queues.MaxPollingInterval;
                }

                foreach (QueueDelivery delivery in deliveries)
                {
                    string outcome = delivery.Invocation is { } result ? $"{result.Status}, Id={result.InvocationId}{(result.Error is null ? "" : $": {result.Error}")}" : "not run";
                    Write($"Executed 'Functions.{delivery.FunctionName}' (queue '{delivery.QueueName}', message {delivery.MessageId}, dequeue count {delivery.DequeueCount}: {outcome}) -> {delivery.Outcome}");
                }

                if (deliveries.Count > 0)
                {
                    wait = MinPollingInterval;
                    continue;
                }

                await Task.Delay(wait, cancellationToken);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, host.Host.Queues.MaxPollingInterval.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping; a message being handled is visible again after the listener's hold.
        }
    }

    /// <summary>A worker log that host.json's levels let through (all of them with --verbose), its first line only unless --verbose.</summary>
    private void Print(WorkerLog log)
    {
        if (!options.Verbose && !_levels.Shows(log.Category, log.Level))
        {
            return;
        }

        string text = log.Exception is null ? log.Message : $"{log.Message} ({log.Exception})";
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (!options.Verbose && newline >= 0)
        {
            text = $"{text[..newline].TrimEnd()} [{text.Count(c => c == '\n')} more lines; --verbose shows them]";
        }

        Write($"[{log.Level}] {log.Category}: {text}");
    }

    private void Write(string line)
    {
        lock (_writing)
        {
            output.WriteLine($"[{DateTime.UtcNow:HH:mm:ss.fff}] {line}");
            output.Flush();
        }
    }

    private static string ConnectionString(int[] ports) =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{ports[0]}/{AzuriteServer.AccountName};QueueEndpoint=http://127.0.0.1:{ports[1]}/{AzuriteServer.AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{ports[2]}/{AzuriteServer.AccountName};";

    private static bool Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Azurite names itself in the Server header of every answer (Azurite-Blob/3.35.0).</summary>
    private static async Task<bool> IsAzuriteAsync(int blobPort, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using HttpResponseMessage response = await http.GetAsync(new Uri($"http://127.0.0.1:{blobPort}/{AzuriteServer.AccountName}"), cancellationToken);
            return response.Headers.Server.Any(s => s.Product?.Name.StartsWith("Azurite", StringComparison.OrdinalIgnoreCase) == true);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static void RefuseTaken(int port, string what)
    {
        if (Answers(port))
        {
            throw new ArgumentException($"127.0.0.1:{port} is taken: {what}.");
        }
    }
}
