using Xunit;

namespace SunspotForecaster.Testing;

/// <summary>What tests share: the real SILSO file when it is present.</summary>
public static class TestData
{
    public static string RealSidcFile => RepositoryPaths.RealSidcFile;

    /// <summary>Skips the calling test, saying why, when the real file is absent.</summary>
    public static void SkipUnlessRealFileExists() =>
        Skip.IfNot(File.Exists(RealSidcFile), $"The real SILSO file is absent ({RealSidcFile}); this check runs where ../shared/data holds it.");
}
