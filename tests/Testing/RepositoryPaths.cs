using System.Reflection;

namespace SunspotForecaster.Testing;

/// <summary>Where things are: the repository, and the real SILSO file's committed snapshot (for benchmarks and real-file checks).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = typeof(RepositoryPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>data/SN_d_tot_V2.0.csv.gz: SILSO's daily file to the snapshot's last day, compressed.</summary>
    public static string RealSidcFile { get; } = Path.Combine(Root, "data", "SN_d_tot_V2.0.csv.gz");
}
