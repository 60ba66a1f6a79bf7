namespace SunspotForecaster.Testing;

/// <summary>What tests share: the real SILSO file, as the committed snapshot (data/README.md).</summary>
public static class TestData
{
    /// <summary>The snapshot's path; the CLI and SidcSource read it as the file it holds.</summary>
    public static string RealSidcFile => RepositoryPaths.RealSidcFile;
}
