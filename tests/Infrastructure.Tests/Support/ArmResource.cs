using System.Text.Json;

namespace SunspotForecaster.Infrastructure.Tests.Support;

/// <summary>A resource of the compiled template, with the template (scope) it is declared in.</summary>
public sealed record ArmResource(JsonElement Element, ArmScope Scope)
{
    public string Type => Element.GetProperty("type").GetString()!;

    /// <summary>The name as compiled, usually an expression such as "[format('{0}/{1}', …)]".</summary>
    public string Name => Element.GetProperty("name").GetString()!;

    public JsonElement Properties => Element.GetProperty("properties");

    /// <summary>The value at a path of property names below the resource, resolved through parameters and variables.</summary>
    public JsonElement Get(params string[] path)
    {
        var current = Element;
        foreach (var segment in path)
        {
            current = Scope.Resolve(current);
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                throw new KeyNotFoundException($"{Type} {Name} has no '{string.Join('.', path)}'.");
            }
        }

        return Scope.Resolve(current);
    }

    public string GetText(params string[] path)
    {
        var value = Get(path);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
    }

    public override string ToString() => $"{Type} {Name} (in template '{Scope.Name}')";
}
