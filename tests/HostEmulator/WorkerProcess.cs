using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SunspotForecaster.Testing;

namespace SunspotForecaster.HostEmulator;

/// <summary>
/// The worker process as the host starts a dotnet-isolated worker: worker.config.json's executable
/// and worker path, the host's start-up arguments (both the old and the <c>--functions-</c> forms),
/// and the app settings as environment variables.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly EventHandler _killOnHostExit;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process)
    {
        _process = process;
        _killOnHostExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _killOnHostExit;
    }

    public OutputTail Output { get; } = new(200);

    /// <summary>Completes with the exit code when the worker has exited.</summary>
    public Task<int> Exited => _exited.Task;

    public int Id => _process.Id;

    public static WorkerProcess Start(EmulatorOptions options, Uri grpcUri, string workerId, string requestId, int maxMessageLength)
    {
        string workerPath = Path.Combine(options.WorkerDirectory, WorkerConfig.Read(options.WorkerDirectory).WorkerPath);
        if (!File.Exists(workerPath))
        {
            throw new FileNotFoundException($"The worker {workerPath} is not built; build src/Functions in Release first (dotnet build tests/Worker.Tests -c Release does).", workerPath);
        }

        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = options.WorkerDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        string length = maxMessageLength.ToString(CultureInfo.InvariantCulture);
        foreach (string argument in (string[])[
            workerPath,
            "--host", grpcUri.Host, "--port", grpcUri.Port.ToString(CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", length,
            "--functions-uri", grpcUri.AbsoluteUri, "--functions-worker-id", workerId,
            "--functions-request-id", requestId, "--functions-grpc-max-message-length", length])
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in options.AppSettings)
        {
            startInfo.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // What the host itself sets for every language worker, and libtorch's threads waiting
        // without spinning (two cores shared with other test processes).
        startInfo.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        startInfo.Environment["FUNCTIONS_WORKER_DIRECTORY"] = options.WorkerDirectory;
        startInfo.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = options.WorkerDirectory;
        startInfo.Environment["AzureWebJobsScriptRoot"] = options.WorkerDirectory;
        startInfo.Environment["OMP_WAIT_POLICY"] = "PASSIVE";

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Received(e.Data, options.OnWorkerOutput);
        process.ErrorDataReceived += (_, e) => worker.Received(e.Data, options.OnWorkerOutput);
        process.Exited += (_, _) => worker._exited.TrySetResult(process.ExitCode);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            worker.Dispose();
            throw new InvalidOperationException($"Could not start the worker with `{startInfo.FileName}` ({e.Message}).", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    private void Received(string? line, Action<string>? onLine)
    {
        Output.Add(line);
        if (line is not null)
        {
            onLine?.Invoke(line);
        }
    }

    /// <summary>Waits for the worker to exit by itself; kills it (and its children) when it has not within <paramref name="grace"/>.</summary>
    public async Task<bool> WaitForExitOrKillAsync(TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return false;
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= _killOnHostExit;
        Kill();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone, or never started.
        }
    }

    /// <summary>The dotnet that runs this process (the SDK's, under dotnet test), else dotnet on the PATH.</summary>
    private static string DotnetHost()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
    }
}

/// <summary>worker.config.json's description: how the host starts this language's worker.</summary>
internal sealed record WorkerConfig(string Language, string WorkerPath)
{
    public static WorkerConfig Read(string directory)
    {
        string path = Path.Combine(directory, "worker.config.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: {directory} is not a built dotnet-isolated function app.", path);
        }

        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        System.Text.Json.JsonElement description = document.RootElement.GetProperty("description");
        return new WorkerConfig(description.GetProperty("language").GetString()!, description.GetProperty("defaultWorkerPath").GetString()!);
    }
}
