namespace SunspotForecaster.HostEmulator;

/// <summary>What the emulated host starts and with which settings.</summary>
internal sealed class EmulatorOptions
{
    /// <summary>The built worker's folder (src/Functions/bin/…): the function app directory, with functions.metadata, host.json and worker.config.json.</summary>
    public required string WorkerDirectory { get; init; }

    /// <summary>App settings as the host passes them to the worker (environment variables); keys may use ':' or '__'.</summary>
    public IDictionary<string, string> AppSettings { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The key that function- and admin-level HTTP routes want in <c>?code=</c> or <c>x-functions-key</c>.</summary>
    public string FunctionKey { get; init; } = "emulator-function-key";

    /// <summary>How long the worker may take from process start to the loaded functions.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest one invocation may run before the emulator gives up on it (host.json's functionTimeout when null).</summary>
    public TimeSpan? InvocationTimeout { get; init; }

    /// <summary>Overrides host.json's <c>extensions.queues.visibilityTimeout</c> (the delay before a failed message comes back).</summary>
    public TimeSpan? QueueVisibilityTimeout { get; init; }

    /// <summary>The HTTP front's port on 127.0.0.1 (0: a free port the system picks; the host's own is 7071).</summary>
    public int HttpPort { get; init; }

    /// <summary>Called with each RpcLog as the worker sends it (a local run prints them as they come).</summary>
    public Action<WorkerLog>? OnLog { get; init; }

    /// <summary>Called with each line the worker writes to its console.</summary>
    public Action<string>? OnWorkerOutput { get; init; }

    /// <summary>Reads the <c>Values</c> of a local.settings.json file into <see cref="AppSettings"/>.</summary>
    public EmulatorOptions WithLocalSettings(string path)
    {
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        foreach (System.Text.Json.JsonProperty value in document.RootElement.GetProperty("Values").EnumerateObject())
        {
            AppSettings[value.Name] = value.Value.ValueKind == System.Text.Json.JsonValueKind.String ? value.Value.GetString()! : value.Value.GetRawText();
        }

        return this;
    }

    /// <summary>The setting <paramref name="name"/> ("Storage:Queues" or "Storage__Queues"), or null.</summary>
    public string? Setting(string name)
    {
        string colon = name.Replace("__", ":", StringComparison.Ordinal);
        foreach ((string key, string value) in AppSettings)
        {
            if (string.Equals(key.Replace("__", ":", StringComparison.Ordinal), colon, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Replaces every <c>%Name%</c> in <paramref name="text"/> with that setting, as the host resolves binding expressions.</summary>
    public string Resolve(string text)
    {
        return System.Text.RegularExpressions.Regex.Replace(text, "%([^%]+)%", match =>
            Setting(match.Groups[1].Value) ?? throw new InvalidOperationException($"The binding expression {match.Value} names a setting that is not in the app settings."));
    }
}
