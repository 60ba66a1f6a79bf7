using System.Reflection;
using System.Text.Json;

namespace SunspotForecaster.Testing.Http;

/// <summary>
/// One HTTP function as the Functions host sees it in the built <c>functions.metadata</c>: its name,
/// route (with the host's prefix), methods, authorization level, and the method the worker invokes.
/// </summary>
public sealed partial record HttpFunctionRoute(string Name, string Route, IReadOnlyList<string> Methods, string AuthLevel, MethodInfo Entry)
{
    public bool NeedsKey => !string.Equals(AuthLevel, "anonymous", StringComparison.OrdinalIgnoreCase);

    /// <summary>The route in the OpenAPI document's spelling: without the prefix, constraints dropped (<c>/models/{name}/{version}/promote</c>).</summary>
    public string DocumentPath => "/" + RouteConstraint().Replace(Route["api/".Length..], "{$1}");

    /// <summary>The HTTP functions of the app built into <paramref name="functionsOutput"/>, read as the host reads them.</summary>
    public static IReadOnlyList<HttpFunctionRoute> Read(string functionsOutput)
    {
        string prefix = RoutePrefix(Path.Combine(functionsOutput, "host.json"));
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(functionsOutput, "functions.metadata")));
        var routes = new List<HttpFunctionRoute>();
        foreach (JsonElement function in metadata.RootElement.EnumerateArray())
        {
            JsonElement? trigger = function.GetProperty("bindings").EnumerateArray()
                .Select(b => (JsonElement?)b)
                .FirstOrDefault(b => string.Equals(b!.Value.GetProperty("type").GetString(), "httpTrigger", StringComparison.OrdinalIgnoreCase));
            if (trigger is not { } binding)
            {
                continue;
            }

            string name = function.GetProperty("name").GetString()!;
            // The host's default route is the function's name; the metadata names the assembly and method.
            string route = binding.TryGetProperty("route", out JsonElement r) && r.GetString() is { Length: > 0 } given ? given : name;
            string[] methods = binding.TryGetProperty("methods", out JsonElement m) ? [.. m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant())] : [];
            string authLevel = binding.TryGetProperty("authLevel", out JsonElement a) ? a.GetString()! : "Function";
            routes.Add(new HttpFunctionRoute(name, prefix.Length == 0 ? route : $"{prefix}/{route}", methods, authLevel,
                EntryPoint(function.GetProperty("scriptFile").GetString()!, function.GetProperty("entryPoint").GetString()!)));
        }

        return routes;
    }

    private static MethodInfo EntryPoint(string scriptFile, string entryPoint)
    {
        Assembly assembly = Assembly.Load(new AssemblyName(Path.GetFileNameWithoutExtension(scriptFile)));
        int dot = entryPoint.LastIndexOf('.');
        Type type = assembly.GetType(entryPoint[..dot], throwOnError: true)!;
        return type.GetMethod(entryPoint[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            ?? throw new InvalidOperationException($"functions.metadata names {entryPoint}, which does not exist.");
    }

    private static string RoutePrefix(string hostJson)
    {
        if (!File.Exists(hostJson))
        {
            return "api";
        }

        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(hostJson));
        return host.RootElement.TryGetProperty("extensions", out JsonElement extensions)
            && extensions.TryGetProperty("http", out JsonElement http)
            && http.TryGetProperty("routePrefix", out JsonElement prefix)
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{(\w+):\w+\}")]
    private static partial System.Text.RegularExpressions.Regex RouteConstraint();
}
