using System.Reflection;

namespace SunspotForecaster.Testing;

/// <summary>Where things are: the repository, and the real SILSO file beside it (for benchmarks and real-file checks, never committed).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = typeof(RepositoryPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>../shared/data/SN_d_tot_V2.0.csv beside the repository.</summary>
    public static string RealSidcFile { get; } = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", "SN_d_tot_V2.0.csv"));
}
