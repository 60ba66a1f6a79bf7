using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using SunspotForecaster.Testing;

namespace SunspotForecaster.LocalRun.Tests;

/// <summary>
/// <c>bash scripts/run-local.sh --no-build …</c> as a child process, as a user starts it, with its
/// output kept: the address and the function key are read from what it prints.
/// </summary>
internal sealed partial class LocalRunProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _key;

    private LocalRunProcess(Process process) => _process = process;

    public Uri BaseAddress => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException("The local run is not listening yet.");

    /// <summary>The function key the run printed.</summary>
    public string FunctionKey => _key ?? throw new InvalidOperationException($"The local run printed no function key.{Output}");

    /// <summary>The last lines the run printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return $"{Environment.NewLine}Output (last lines):{Environment.NewLine}{string.Join(Environment.NewLine, _lines.TakeLast(80))}";
            }
        }
    }

    /// <summary>The worker's process id, as the run printed it.</summary>
    public int? WorkerProcessId { get; private set; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the script with <paramref name="arguments"/> (after --no-build).</summary>
    public static LocalRunProcess Start(params string[] arguments)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryPaths.Root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        startInfo.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "run-local.sh"));
        startInfo.ArgumentList.Add("--no-build");
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The configuration this test project was built in, whose tests/LocalHost output the script runs.
        startInfo.Environment["LOCAL_RUN_CONFIGURATION"] = typeof(LocalRunProcess).Assembly
            .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value;
        var run = new LocalRunProcess(new Process { StartInfo = startInfo, EnableRaisingEvents = true });
        run._process.OutputDataReceived += (_, e) => run.Received(e.Data);
        run._process.ErrorDataReceived += (_, e) => run.Received(e.Data);
        run._process.Exited += (_, _) => run._listening.TrySetException(new InvalidOperationException($"The local run exited before it listened.{run.Output}"));
        run._process.Start();
        run._process.BeginOutputReadLine();
        run._process.BeginErrorReadLine();
        return run;
    }

    /// <summary>Waits for "Host listening on …" (Azurite, the worker's start and the function loads come first).</summary>
    public async Task<Uri> ListeningAsync(TimeSpan timeout)
    {
        try
        {
            return await _listening.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The local run did not listen within {timeout.TotalMinutes:0} minutes.{Output}");
        }
    }

    /// <summary>Waits until the run has printed a line that <paramref name="match"/> accepts.</summary>
    public async Task PrintedAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!Printed(match))
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The local run did not print the line awaited within {timeout.TotalMinutes:0} minutes.{Output}");
            }
        }
    }

    /// <summary>Sends SIGTERM (what a service manager sends; Ctrl-C takes the same path) and waits for the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The local run did not stop within {timeout.TotalSeconds:0} s of SIGTERM.{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits for the run to exit by itself (a bad option, say).</summary>
    public async Task<int> ExitedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Whether any line printed so far matches.</summary>
    public bool Printed(Func<string, bool> match)
    {
        lock (_lines)
        {
            return _lines.Any(match);
        }
    }

    private void Received(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        if (WorkerLine().Match(line) is { Success: true } worker)
        {
            WorkerProcessId = int.Parse(worker.Groups["pid"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (KeyLine().Match(line) is { Success: true } key)
        {
            _key = key.Groups["key"].Value;
        }

        if (ListeningLine().Match(line) is { Success: true } listening)
        {
            _listening.TrySetResult(new Uri(listening.Groups["url"].Value));
        }
    }

    [GeneratedRegex(@"^Worker process: (?<pid>\d+)$")]
    private static partial Regex WorkerLine();

    [GeneratedRegex(@"^Function key: (?<key>\S+)$")]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"Host listening on (?<url>http://127\.0\.0\.1:\d+/);")]
    private static partial Regex ListeningLine();
}
