using System.Reflection;

namespace SunspotForecaster.Tests;

/// <summary>Paths the tests share: a fresh temporary folder per test, and the real SILSO file when it is present.</summary>
public static class TestData
{
    public static string RepositoryRoot { get; } = typeof(TestData).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>../shared/data/SN_d_tot_V2.0.csv beside the repository: for benchmarks and the real-file checks, never committed.</summary>
    public static string RealSidcFile { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "data", "SN_d_tot_V2.0.csv"));

    /// <summary>Skips the calling test, saying why, when the real file is absent.</summary>
    public static void SkipUnlessRealFileExists() =>
        Skip.IfNot(File.Exists(RealSidcFile), $"The real SILSO file is absent ({RealSidcFile}); this check runs where ../shared/data holds it.");
}

/// <summary>A temporary folder that is deleted with the test.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sunspots-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }
}
