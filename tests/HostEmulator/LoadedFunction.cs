using System.Text.Json;
using SunspotForecaster.HostEmulator.Rpc;

namespace SunspotForecaster.HostEmulator;

/// <summary>A function as the worker described it in its metadata and then loaded: its id, and its trigger binding (from the raw binding JSON).</summary>
internal sealed class LoadedFunction
{
    private LoadedFunction(RpcFunctionMetadata metadata, JsonElement trigger, IReadOnlyList<JsonElement> bindings)
    {
        Metadata = metadata;
        Trigger = trigger;
        Bindings = bindings;
    }

    public RpcFunctionMetadata Metadata { get; }

    public string Name => Metadata.Name;

    public string FunctionId => Metadata.FunctionId;

    /// <summary>Every raw binding, as the worker wrote it (type, name, direction and the attribute's properties).</summary>
    public IReadOnlyList<JsonElement> Bindings { get; }

    /// <summary>The one input binding whose type ends in "Trigger".</summary>
    public JsonElement Trigger { get; }

    public string TriggerType => Trigger.GetProperty("type").GetString()!;

    /// <summary>The trigger parameter's name (the input data's name in an invocation).</summary>
    public string TriggerName => Trigger.GetProperty("name").GetString()!;

    public string? TriggerProperty(string name)
    {
        foreach (JsonProperty property in Trigger.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }

        return null;
    }

    public bool Is(string triggerType) => string.Equals(TriggerType, triggerType, StringComparison.OrdinalIgnoreCase);

    public static LoadedFunction From(RpcFunctionMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        List<JsonElement> bindings = [.. metadata.RawBindings.Select(raw =>
        {
            using JsonDocument document = JsonDocument.Parse(raw);
            return document.RootElement.Clone();
        })];
        JsonElement[] triggers = [.. bindings.Where(b =>
            b.TryGetProperty("type", out JsonElement type) && type.GetString()!.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase)
            && (!b.TryGetProperty("direction", out JsonElement direction) || string.Equals(direction.GetString(), "In", StringComparison.OrdinalIgnoreCase)))];
        return triggers.Length == 1
            ? new LoadedFunction(metadata, triggers[0], bindings)
            : throw new InvalidOperationException($"Function {metadata.Name} has {triggers.Length} trigger bindings; a function has exactly one.");
    }
}
