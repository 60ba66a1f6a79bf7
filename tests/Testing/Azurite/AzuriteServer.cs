using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace SunspotForecaster.Testing.Azurite;

/// <summary>
/// A real Azurite (the npm package pinned in the repository's package.json), started for this test
/// run on 127.0.0.1 with in-memory storage, and stopped with it. Installs the package with
/// <c>npm ci</c> when node_modules lacks it. Never skips: when Azurite cannot run, starting throws
/// an exception that says what to install or run.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    /// <summary>The emulator's well-known development account (public; documented by Microsoft).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The well-known key of <see cref="AccountName"/> (public; the same on every machine).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly OutputTail _output;
    private readonly TemporaryDirectory _workspace;
    private readonly EventHandler _killOnHostExit;
    private int _disposed;

    private AzuriteServer(Process process, OutputTail output, TemporaryDirectory workspace, Uri blob, Uri queue, Uri table, string version)
    {
        _process = process;
        _output = output;
        _workspace = workspace;
        BlobEndpoint = blob;
        QueueEndpoint = queue;
        TableEndpoint = table;
        Version = version;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint={blob};QueueEndpoint={queue};TableEndpoint={table};";
        BlobServiceClient = new BlobServiceClient(ConnectionString, Configure(new BlobClientOptions()));
        QueueServiceClient = new QueueServiceClient(ConnectionString, Configure(new QueueClientOptions()));
        TableServiceClient = new TableServiceClient(ConnectionString, Configure(new TableClientOptions()));
        _killOnHostExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _killOnHostExit;
    }

    /// <summary>A storage connection string with explicit 127.0.0.1 endpoints, as the product reads from configuration.</summary>
    public string ConnectionString { get; }

    /// <summary>http://127.0.0.1:port/devstoreaccount1 of each service.</summary>
    public Uri BlobEndpoint { get; }

    public Uri QueueEndpoint { get; }

    public Uri TableEndpoint { get; }

    /// <summary>The installed Azurite version (the one package.json pins).</summary>
    public string Version { get; }

    /// <summary>Shared clients with few, quick retries; build others from <see cref="ConnectionString"/>.</summary>
    public BlobServiceClient BlobServiceClient { get; }

    public QueueServiceClient QueueServiceClient { get; }

    public TableServiceClient TableServiceClient { get; }

    /// <summary>The last lines Azurite wrote (for diagnosing a failing test).</summary>
    public string RecentOutput => _output.ToString();

    /// <summary>Installs Azurite if needed, starts it and waits until every service answers.</summary>
    public static Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default) =>
        StartAsync(new AzuriteStartOptions(), cancellationToken);

    /// <summary>As <see cref="StartAsync(CancellationToken)"/>, on the ports and with the storage of <paramref name="options"/>.</summary>
    public static async Task<AzuriteServer> StartAsync(AzuriteStartOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        string root = RepositoryPaths.Root;
        string version = await EnsureInstalledAsync(root, cancellationToken);
        string azurite = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        string host = Path.Combine(AppContext.BaseDirectory, "azurite-host.js");

        var workspace = new TemporaryDirectory();
        var output = new OutputTail(60);
        var startInfo = new ProcessStartInfo("node")
        {
            WorkingDirectory = workspace.Path,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in (string[])[
            host, azurite,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            // Port 0: the system picks free ports as Azurite binds them, so parallel runs never race
            // for a port; Azurite prints the ports it got.
            "--blobPort", Port(options.BlobPort), "--queuePort", Port(options.QueuePort), "--tablePort", Port(options.TablePort),
            .. (options.Location is null ? (string[])["--inMemoryPersistence"] : ["--location", Path.GetFullPath(options.Location)]),
            "--skipApiVersionCheck", "--disableProductStyleUrl",
            "--disableTelemetry", "--silent"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        var listening = new Dictionary<string, Uri>(StringComparer.Ordinal);
        var process = new Process { StartInfo = startInfo };
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Add(line);
            Match match = ListeningLine().Match(line);
            if (match.Success)
            {
                lock (listening)
                {
                    listening[match.Groups["service"].Value] = new Uri(match.Groups["url"].Value.TrimEnd('/') + "/" + AccountName);
                }
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);

        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            workspace.Dispose();
            throw new InvalidOperationException(
                $"Could not start `node` for Azurite ({e.Message}). {InstallAdvice(root)}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            (Uri blob, Uri queue, Uri table) = await WaitUntilAnsweringAsync(process, listening, output, root, cancellationToken);
            return new AzuriteServer(process, output, workspace, blob, queue, table, version);
        }
        catch
        {
            KillTree(process);
            process.Dispose();
            workspace.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Asks Azurite to shut down (SIGTERM, which it handles as Ctrl-C: it closes its servers and writes its
    /// data to disk), and kills it when it has not exited within <paramref name="grace"/>.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (Volatile.Read(ref _disposed) == 0 && !OperatingSystem.IsWindows())
        {
            try
            {
                using var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                await signal!.WaitForExitAsync();
                using var timeout = new CancellationTokenSource(grace);
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or Win32Exception)
            {
                // Not gone in time, or already gone: disposing kills what is left.
            }
        }

        await DisposeAsync();
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit -= _killOnHostExit;
            Kill();
            _process.Dispose();
            _workspace.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void Kill() => KillTree(_process);

    private static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone, or never started.
        }
    }

    private static async Task<(Uri Blob, Uri Queue, Uri Table)> WaitUntilAnsweringAsync(
        Process process, Dictionary<string, Uri> listening, OutputTail output, string root, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = PollTimeout };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                process.WaitForExit(); // Drains the output readers.
                throw new InvalidOperationException(
                    $"Azurite exited with code {process.ExitCode} before it was ready. {StartAdvice(root)}{output.Describe()}");
            }

            Uri? blob, queue, table;
            lock (listening)
            {
                listening.TryGetValue("Blob", out blob);
                listening.TryGetValue("Queue", out queue);
                listening.TryGetValue("Table", out table);
            }

            if (blob is not null && queue is not null && table is not null
                && await AnswersAsync(http, blob, cancellationToken)
                && await AnswersAsync(http, queue, cancellationToken)
                && await AnswersAsync(http, table, cancellationToken))
            {
                return (blob, queue, table);
            }

            if (clock.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException(
                    $"Azurite did not answer on 127.0.0.1 within {StartTimeout.TotalSeconds:0} s. {StartAdvice(root)}{output.Describe()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>Any HTTP answer (Azurite says 400 or 403 to an anonymous GET) means the service is up.</summary>
    private static async Task<bool> AnswersAsync(HttpClient http, Uri endpoint, CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await http.GetAsync(endpoint, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>An exclusive lock for installing into <paramref name="root"/>, held by whoever opens the file first (in this process or another).</summary>
    private static async Task<FileStream> LockInstallAsync(string root, CancellationToken cancellationToken)
    {
        string name = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(root))))[..16];
        string path = Path.Combine(Path.GetTempPath(), $"sunspots-npm-{name}.lock");
        DateTime giveUp = DateTime.UtcNow + InstallTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < giveUp)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }

    /// <summary>Runs <c>npm ci</c> unless node_modules holds the Azurite version package.json pins; returns that version.</summary>
    private static async Task<string> EnsureInstalledAsync(string root, CancellationToken cancellationToken)
    {
        string packageJson = Path.Combine(root, "package.json");
        if (!File.Exists(packageJson) || !File.Exists(Path.Combine(root, "package-lock.json")))
        {
            throw new InvalidOperationException(
                $"{root} has no package.json and package-lock.json, which pin the Azurite the storage tests run; restore them from git.");
        }

        string pinned = ReadString(packageJson, "devDependencies", "azurite")
            ?? throw new InvalidOperationException($"{packageJson} pins no `azurite` in devDependencies.");
        // dotnet test runs the test projects side by side, and on a fresh clone each finds
        // node_modules empty: two `npm ci` in one folder break each other (ENOTDIR), and a half-done one
        // looks installed. One at a time, across processes; whoever comes second finds Azurite installed.
        using FileStream installLock = await LockInstallAsync(root, cancellationToken);
        if (InstalledVersion(root) == pinned)
        {
            return pinned;
        }

        var output = new OutputTail(40);
        var startInfo = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in (string[])["ci", "--no-audit", "--no-fund"])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var npm = new Process { StartInfo = startInfo };
        npm.OutputDataReceived += (_, e) => output.Add(e.Data);
        npm.ErrorDataReceived += (_, e) => output.Add(e.Data);
        try
        {
            npm.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Azurite is not installed and `npm` could not start ({e.Message}). {InstallAdvice(root)}", e);
        }

        npm.BeginOutputReadLine();
        npm.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        try
        {
            await npm.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            KillTree(npm);
            cancellationToken.ThrowIfCancellationRequested();
            throw new InvalidOperationException(
                $"`npm ci` (installing Azurite) did not finish within {InstallTimeout.TotalMinutes:0} minutes. {InstallAdvice(root)}{output.Describe()}");
        }

        npm.WaitForExit(); // Drains the output readers.
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`npm ci` (installing Azurite) failed with exit code {npm.ExitCode}. {InstallAdvice(root)}{output.Describe()}");
        }

        string? installed = InstalledVersion(root);
        return installed == pinned
            ? pinned
            : throw new InvalidOperationException(
                $"`npm ci` succeeded but node_modules/azurite is {installed ?? "missing"}, not {pinned}. {InstallAdvice(root)}{output.Describe()}");
    }

    private static string? InstalledVersion(string root)
    {
        string directory = Path.Combine(root, "node_modules", "azurite");
        return File.Exists(Path.Combine(directory, "dist", "src", "azurite.js"))
            ? ReadString(Path.Combine(directory, "package.json"), "version")
            : null;
    }

    private static string? ReadString(string jsonFile, params string[] path)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(jsonFile));
            JsonElement element = document.RootElement;
            foreach (string name in path)
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    return null;
                }
            }

            return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return null;
        }
    }

    private static string InstallAdvice(string root) =>
        $"Install Node.js 20 or later with npm, then run `npm ci` in {root}.";

    private static string StartAdvice(string root) =>
        $"Check that Node.js 20 or later is installed (`node --version`) and run `npm ci` in {root} to reinstall Azurite.";

    private static T Configure<T>(T options)
        where T : ClientOptions
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(100);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(1);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return options;
    }

    private static string Port(int port) =>
        port is >= 0 and <= 65535 ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(port), port, "A port is 0 (a free one) to 65535.");

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at (?<url>https?://\S+)")]
    private static partial Regex ListeningLine();
}

/// <summary>Where a started Azurite listens (0: a free port the system picks) and keeps its data (null: in memory, gone when it stops).</summary>
public sealed record AzuriteStartOptions(int BlobPort = 0, int QueuePort = 0, int TablePort = 0, string? Location = null);
