using Microsoft.Extensions.Configuration;

namespace SunspotForecaster.Testing.Azurite;

// Apart from TestSettings.cs so that projects without xunit (tests/LoadTest) can compile that file.
public static partial class TestSettings
{
    /// <summary>The settings for <paramref name="azurite"/>, with storage names no other test uses.</summary>
    public static IConfiguration For(AzuriteFixture azurite, params (string Key, object Value)[] extra)
    {
        ArgumentNullException.ThrowIfNull(azurite);
        return For(azurite.ConnectionString, extra);
    }
}
