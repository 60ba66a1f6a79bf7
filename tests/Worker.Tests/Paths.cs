using System.Reflection;

using SunspotForecaster.Testing;

namespace SunspotForecaster.Worker.Tests;

/// <summary>Where the repository and the built worker are (written into the assembly at build time).</summary>
internal static class Paths
{
    /// <summary>src/Functions' Release output: the function app directory the emulated host runs.</summary>
    public static string WorkerDirectory { get; } = Metadata("WorkerDirectory");

    public static string SampleSettings { get; } = Path.Combine(RepositoryPaths.Root, "local.settings.sample.json");

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
