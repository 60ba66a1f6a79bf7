using System.Text.Json;

namespace SunspotForecaster.Infrastructure.Tests.Support;

/// <summary>The ARM JSON that `bicep build` writes, with every module's resources flattened.</summary>
public sealed class ArmTemplate
{
    private const string DeploymentType = "Microsoft.Resources/deployments";

    private ArmTemplate(JsonDocument document)
    {
        Root = document.RootElement;
        Main = new ArmScope(Root, "main");
        var resources = new List<ArmResource>();
        var scopes = new List<ArmScope>();
        Collect(Main, resources, scopes);
        Resources = resources;
        Scopes = scopes;
    }

    public JsonElement Root { get; }

    /// <summary>The main (subscription-scope) template.</summary>
    public ArmScope Main { get; }

    /// <summary>The main template and each module's template.</summary>
    public IReadOnlyList<ArmScope> Scopes { get; }

    /// <summary>Every resource of every template, modules' deployments included.</summary>
    public IReadOnlyList<ArmResource> Resources { get; }

    public static ArmTemplate Parse(string json) => new(JsonDocument.Parse(json));

    public IReadOnlyList<ArmResource> OfType(string type) =>
        [.. Resources.Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase))];

    public ArmResource Single(string type)
    {
        var found = OfType(type);
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"Expected one {type}, found {found.Count}.");
    }

    /// <summary>Every string in the document, property names included.</summary>
    public IEnumerable<string> AllStrings() => StringsIn(Root);

    private static void Collect(ArmScope scope, List<ArmResource> resources, List<ArmScope> scopes)
    {
        scopes.Add(scope);
        if (!scope.Template.TryGetProperty("resources", out var declared))
        {
            return;
        }

        // Templates with languageVersion 2.0 hold resources in an object keyed by symbolic name.
        var elements = declared.ValueKind == JsonValueKind.Object
            ? declared.EnumerateObject().Select(property => property.Value)
            : declared.EnumerateArray();
        foreach (var element in elements)
        {
            var resource = new ArmResource(element, scope);
            resources.Add(resource);
            if (resource.Type == DeploymentType && resource.Properties.TryGetProperty("template", out var inner))
            {
                var parameters = resource.Properties.TryGetProperty("parameters", out var passed) ? passed : (JsonElement?)null;
                Collect(new ArmScope(inner, resource.Name, scope, parameters), resources, scopes);
            }
        }
    }

    private static IEnumerable<string> StringsIn(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                yield return element.GetString()!;
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    yield return property.Name;
                    foreach (var text in StringsIn(property.Value))
                    {
                        yield return text;
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var text in StringsIn(item))
                    {
                        yield return text;
                    }
                }

                break;
        }
    }
}
