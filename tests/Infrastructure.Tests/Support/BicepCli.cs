using System.Diagnostics;
using System.Reflection;

namespace SunspotForecaster.Infrastructure.Tests.Support;

/// <summary>
/// Runs the Bicep CLI that restore downloaded (PackageDownload Azure.Bicep.CommandLine.linux-x64);
/// its path is written into this assembly at build time from $(NuGetPackageRoot).
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);
    private static readonly Lazy<string> s_executable = new(LocateExecutable);

    public static string Version => Metadata("BicepVersion");

    public static string ExecutablePath => s_executable.Value;

    public static async Task<BicepResult> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {ExecutablePath}.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} ran longer than {s_timeout}.");
        }

        return new BicepResult(
            $"bicep {string.Join(' ', arguments)}", process.ExitCode, await standardOutput, await standardError);
    }

    private static string LocateExecutable()
    {
        var packaged = Metadata("BicepPath");
        if (!File.Exists(packaged))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI {Version} is not at {packaged}. `dotnet restore` downloads it "
                + "(Azure.Bicep.CommandLine.linux-x64; the package exists for Linux x64 only).", packaged);
        }

        if (OperatingSystem.IsWindows()
            || File.GetUnixFileMode(packaged).HasFlag(UnixFileMode.UserExecute))
        {
            return packaged;
        }

        // Some NuGet extractions drop the execute bit. Leave the package cache as it is and run a
        // copy from the test's output folder instead.
        var copy = Path.Combine(AppContext.BaseDirectory, "bicep-cli", Version, "bicep");
        if (!File.Exists(copy) || new FileInfo(copy).Length != new FileInfo(packaged).Length)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(packaged, copy, overwrite: true);
        }

        File.SetUnixFileMode(copy, File.GetUnixFileMode(copy) | UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return copy;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly has no AssemblyMetadata '{key}'; see the csproj.");
}
