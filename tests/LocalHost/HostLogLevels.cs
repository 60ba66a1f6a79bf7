using System.Text.Json;
using SunspotForecaster.HostEmulator.Rpc;

namespace SunspotForecaster.LocalHost;

/// <summary>
/// host.json's <c>logging.logLevel</c>, applied as the host applies it to the worker's logs: the
/// longest category prefix that names one ("Azure.Core" covers "Azure.Core.Pipeline"), else
/// "default", else Information.
/// </summary>
internal sealed class HostLogLevels
{
    private readonly Dictionary<string, RpcLog.Types.Level> _levels = new(StringComparer.OrdinalIgnoreCase);

    public HostLogLevels(string workerDirectory)
    {
        string path = Path.Combine(workerDirectory, "host.json");
        using JsonDocument document = JsonDocument.Parse(File.Exists(path) ? File.ReadAllText(path) : "{}");
        if (document.RootElement.TryGetProperty("logging", out JsonElement logging) && logging.TryGetProperty("logLevel", out JsonElement levels))
        {
            foreach (JsonProperty level in levels.EnumerateObject())
            {
                _levels[level.Name] = Enum.TryParse(level.Value.GetString(), ignoreCase: true, out RpcLog.Types.Level parsed)
                    ? parsed
                    : throw new InvalidOperationException($"{path}: logging.logLevel.{level.Name} is '{level.Value}', not a level (Trace, Debug, Information, Warning, Error, Critical, None).");
            }
        }
    }

    /// <summary>Whether a log of <paramref name="level"/> in <paramref name="category"/> is shown.</summary>
    public bool Shows(string category, RpcLog.Types.Level level)
    {
        string? best = null;
        foreach (string name in _levels.Keys)
        {
            bool covers = string.Equals(category, name, StringComparison.OrdinalIgnoreCase)
                || category.StartsWith(name + ".", StringComparison.OrdinalIgnoreCase);
            if (covers && (best is null || name.Length > best.Length))
            {
                best = name;
            }
        }

        RpcLog.Types.Level minimum = best is not null ? _levels[best]
            : _levels.TryGetValue("default", out RpcLog.Types.Level fallback) ? fallback
            : RpcLog.Types.Level.Information;
        return level >= minimum && level != RpcLog.Types.Level.None;
    }
}
