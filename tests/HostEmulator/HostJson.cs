using System.Globalization;
using System.Text.Json;

namespace SunspotForecaster.HostEmulator;

/// <summary>The parts of the app's host.json that the emulated host obeys.</summary>
internal sealed record HostJson(string RoutePrefix, TimeSpan FunctionTimeout, QueuesSettings Queues)
{
    public static HostJson Read(string directory)
    {
        string path = Path.Combine(directory, "host.json");
        using JsonDocument document = JsonDocument.Parse(File.Exists(path) ? File.ReadAllText(path) : "{}");
        JsonElement root = document.RootElement;
        JsonElement extensions = root.TryGetProperty("extensions", out JsonElement e) ? e : default;
        JsonElement http = Section(extensions, "http");
        JsonElement queues = Section(extensions, "queues");
        return new HostJson(
            String(http, "routePrefix") ?? "api",
            Time(root, "functionTimeout") ?? TimeSpan.FromMinutes(30),
            new QueuesSettings(
                Int(queues, "batchSize") ?? 16,
                Int(queues, "maxDequeueCount") ?? 5,
                Time(queues, "visibilityTimeout") ?? TimeSpan.Zero,
                !string.Equals(String(queues, "messageEncoding"), "none", StringComparison.OrdinalIgnoreCase))
            {
                MaxPollingInterval = Time(queues, "maxPollingInterval") ?? TimeSpan.FromMinutes(1),
            });
    }

    private static JsonElement Section(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement section) ? section : default;

    private static string? String(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static TimeSpan? Time(JsonElement parent, string name) =>
        String(parent, name) is string text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : null;
}

/// <summary>host.json's <c>extensions.queues</c>, with the host's defaults.</summary>
internal sealed record QueuesSettings(int BatchSize, int MaxDequeueCount, TimeSpan VisibilityTimeout, bool Base64)
{
    /// <summary>The longest wait between two polls of an empty queue (the listener backs off from 100 ms up to this).</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);
}
