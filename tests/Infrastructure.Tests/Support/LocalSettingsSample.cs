using System.Text.Json;

namespace SunspotForecaster.Infrastructure.Tests.Support;

/// <summary>The Values of local.settings.sample.json: every app setting the app reads, with a local value.</summary>
public static class LocalSettingsSample
{
    /// <summary>The local value of the settings that are connection strings to Azurite.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public static IReadOnlyDictionary<string, string> Values()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.LocalSettingsSample));
        return document.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(setting => setting.Name, setting => setting.Value.GetString() ?? "");
    }
}
