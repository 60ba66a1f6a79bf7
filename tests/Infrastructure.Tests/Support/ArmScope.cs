using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SunspotForecaster.Infrastructure.Tests.Support;

/// <summary>
/// One template of the compiled output: the main template, or the inner template of a module
/// (a nested Microsoft.Resources/deployments resource). Knows enough ARM to follow a value through
/// parameters and variables to where it is written down.
/// </summary>
public sealed partial class ArmScope
{
    private readonly JsonElement? _moduleParameters;

    public ArmScope(JsonElement template, string name, ArmScope? parent = null, JsonElement? moduleParameters = null)
    {
        Template = template;
        Name = name;
        Parent = parent;
        _moduleParameters = moduleParameters;
    }

    /// <summary>"main", or the module's deployment name (e.g. "storage").</summary>
    public string Name { get; }

    public JsonElement Template { get; }

    public ArmScope? Parent { get; }

    /// <summary>The parameter declarations of this template, by name.</summary>
    public IEnumerable<(string Name, JsonElement Declaration)> Parameters =>
        Template.TryGetProperty("parameters", out var parameters)
            ? parameters.EnumerateObject().Select(parameter => (parameter.Name, parameter.Value))
            : [];

    public JsonElement ParameterDeclaration(string name) =>
        Template.GetProperty("parameters").TryGetProperty(name, out var declaration)
            ? declaration
            : throw new KeyNotFoundException($"Template '{Name}' declares no parameter '{name}'.");

    /// <summary>
    /// Follows a value written as "[parameters('x')]", "[variables('x').y]" or
    /// "[string(parameters('x'))]" back to the literal it comes from: the value the calling module
    /// passes, else the parameter's default. Any other expression (reference(), format(), …) is
    /// returned as it is, for the caller to inspect.
    /// </summary>
    public JsonElement Resolve(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String
            || value.GetString() is not { } text
            || !text.StartsWith('[') || !text.EndsWith(']') || text.StartsWith("[["))
        {
            return value;
        }

        var expression = text[1..^1].Trim();
        if (StringCall().Match(expression) is { Success: true } stringCall)
        {
            var inner = Resolve(JsonSerializer.SerializeToElement($"[{stringCall.Groups["inner"].Value}]"));
            return inner.ValueKind switch
            {
                JsonValueKind.String => inner,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False =>
                    JsonSerializer.SerializeToElement(inner.GetRawText().ToLower(CultureInfo.InvariantCulture)),
                _ => value,
            };
        }

        if (Reference().Match(expression) is not { Success: true } reference)
        {
            return value;
        }

        var name = reference.Groups["name"].Value;
        var found = reference.Groups["kind"].Value == "parameters" ? ParameterValue(name) : VariableValue(name);
        foreach (var member in reference.Groups["members"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            if (found.ValueKind != JsonValueKind.Object || !found.TryGetProperty(member, out found))
            {
                return value;
            }
        }

        return found;
    }

    /// <summary>The value this template's parameter takes: from the calling module, else its default.</summary>
    public JsonElement Parameter(string name) => ParameterValue(name);

    public string ParameterText(string name) => ResolveText(ParameterValue(name));

    /// <summary>Resolves an expression written out, e.g. "[variables('roles').storageBlobDataOwner]".</summary>
    public string ResolveText(string expression) => ResolveText(JsonSerializer.SerializeToElement(expression));

    /// <summary>The resolved value, as text (a string, or a number's or boolean's JSON form).</summary>
    public string ResolveText(JsonElement value)
    {
        var resolved = Resolve(value);
        return resolved.ValueKind == JsonValueKind.String ? resolved.GetString()! : resolved.GetRawText();
    }

    private JsonElement ParameterValue(string name)
    {
        if (Parent is not null
            && _moduleParameters is { } passed
            && passed.TryGetProperty(name, out var argument)
            && argument.TryGetProperty("value", out var argumentValue))
        {
            return Parent.Resolve(argumentValue);
        }

        var declaration = ParameterDeclaration(name);
        return declaration.TryGetProperty("defaultValue", out var defaultValue)
            ? Resolve(defaultValue)
            : throw new InvalidOperationException(
                $"Parameter '{name}' of template '{Name}' has no default and no value from a calling module.");
    }

    private JsonElement VariableValue(string name) =>
        Template.TryGetProperty("variables", out var variables) && variables.TryGetProperty(name, out var variable)
            ? Resolve(variable)
            : throw new KeyNotFoundException($"Template '{Name}' declares no variable '{name}'.");

    [GeneratedRegex(@"^(?<kind>parameters|variables)\('(?<name>[^']+)'\)(?<members>(\.\w+)*)$")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^string\((?<inner>.+)\)$")]
    private static partial Regex StringCall();
}
