using System.Diagnostics;

namespace SunspotForecaster.Cli.Tests;

/// <summary>Runs the built <c>sunspots</c> executable as a process of its own, as a user does.</summary>
public static class BuiltCli
{
    private static string Executable => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "sunspots.exe" : "sunspots");

    public static CliResult Run(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new CliResult(process.ExitCode, output, error.GetAwaiter().GetResult());
    }

    public static CliResult Run(params string[] args) => Run(null, args);

    /// <summary>
    /// Runs the command with the dynamic loader reporting every library it opens (glibc's
    /// LD_DEBUG=files, on standard error) and returns the command's result with the libraries
    /// whose file name mentions torch: libtorch's and TorchSharp's.
    /// </summary>
    public static (CliResult Result, string[] TorchLibraries) RunWatchingTorch(params string[] args)
    {
        CliResult result = Run(new Dictionary<string, string> { ["LD_DEBUG"] = "files" }, args);
        string[] torch = [.. result.Error.Split('\n')
            .Where(line => line.Contains("file=", StringComparison.Ordinal) && line.Contains("torch", StringComparison.OrdinalIgnoreCase))
            .Select(line => line.Trim())
            .Distinct()];
        return (result, torch);
    }
}
