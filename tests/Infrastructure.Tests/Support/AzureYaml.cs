using System.Text.RegularExpressions;

namespace SunspotForecaster.Infrastructure.Tests.Support;

/// <summary>The few fields of azure.yaml the tests check, read line by line (the file is small and flat).</summary>
public static partial class AzureYaml
{
    /// <summary>The one service under "services:", e.g. "api".</summary>
    public static string ServiceName()
    {
        var lines = Lines();
        var services = lines.FindIndex(line => line.TrimEnd() == "services:");
        Assert.True(services >= 0, "azure.yaml has no services: section");
        var names = lines.Skip(services + 1)
            .TakeWhile(line => line.Length == 0 || line.StartsWith(' '))
            .Select(line => ServiceKey().Match(line))
            .Where(match => match.Success)
            .Select(match => match.Groups["name"].Value)
            .ToList();
        return Assert.Single(names);
    }

    /// <summary>The value of the first "key: value" line with that key (at any depth).</summary>
    public static string Value(string key)
    {
        var prefix = key + ":";
        var line = Lines().Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"azure.yaml has no '{key}:'");
        return line[prefix.Length..].Trim();
    }

    private static List<string> Lines() =>
        [.. File.ReadAllLines(RepositoryPaths.AzureYaml).Where(line => !line.TrimStart().StartsWith('#'))];

    [GeneratedRegex(@"^  (?<name>[A-Za-z0-9_-]+):\s*$")]
    private static partial Regex ServiceKey();
}
