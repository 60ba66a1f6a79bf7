using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace SunspotForecaster.Worker.Tests;

/// <summary>How a request carries the function key.</summary>
public enum KeyUse
{
    None,
    Header,
    Query,
    Wrong,
}

/// <summary>
/// One request of the contract set: <paramref name="Path"/> relative to the host's root,
/// <paramref name="Operation"/> the OpenAPI path whose schemas its answer must match (null for a
/// request the host answers before any function, such as an unknown route).
/// </summary>
public sealed record ContractRequest(string Method, string Path, string? Operation, string? Body = null, string ContentType = "application/json", KeyUse Key = KeyUse.None)
{
    public override string ToString() =>
        $"{Method} {Path}{(Key == KeyUse.None ? "" : $" (key: {Key})")}{(Body is null ? "" : $" [{ContentType}] {Body[..Math.Min(Body.Length, 120)]}")}";

    /// <summary>The request with <paramref name="key"/> as the function key where it carries one (each server has its own key).</summary>
    public HttpRequestMessage ToMessage(string key, string? ifNoneMatch = null)
    {
        string presented = Key == KeyUse.Wrong ? "not-the-key" : key;
        string path = Key is KeyUse.Query or KeyUse.Wrong ? $"{Path}{(Path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}code={Uri.EscapeDataString(presented)}" : Path;
        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri(path, UriKind.Relative));
        if (Key == KeyUse.Header)
        {
            message.Headers.Add("x-functions-key", presented);
        }

        if (ifNoneMatch is not null)
        {
            message.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        if (Body is not null)
        {
            message.Content = new StringContent(Body, Encoding.UTF8);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        }

        return message;
    }

    /// <summary>
    /// Every route and method of openapi.json with good and bad inputs, the admin routes with and
    /// without the key, and what the host answers itself (unknown routes, a method a route does not
    /// take, a route value its constraint refuses). For a served app: data and champions exist.
    /// </summary>
    public static IReadOnlyList<ContractRequest> All { get; } = Build();

    private static ContractRequest[] Build()
    {
        string history = JsonSerializer.Serialize(new { history = Enumerable.Repeat(80f, 200), days = 5 });
        return
        [
            new("GET", "api/health", "/health"),
            new("GET", "api/health?verbose=1", "/health"),
            new("GET", "api/openapi.json", "/openapi.json"),
            new("GET", "api/openapi.json?v=3", "/openapi.json"),

            new("GET", "api/forecast", "/forecast"),
            new("GET", "api/forecast?days=1", "/forecast"),
            new("GET", "api/forecast?days=30", "/forecast"),
            new("GET", "api/forecast?days=0", "/forecast"),
            new("GET", "api/forecast?days=31", "/forecast"),
            new("GET", "api/forecast?days=three", "/forecast"),
            new("GET", "api/forecast?days=%EF%BC%93", "/forecast"),
            new("GET", "api/forecast?days=1&days=2", "/forecast"),
            new("GET", "api/forecast?day=7", "/forecast"),

            new("POST", "api/forecast", "/forecast", history),
            new("POST", "api/forecast", "/forecast", JsonSerializer.Serialize(new { history = Enumerable.Repeat(80f, 200), days = 30, lastDate = "2001-06-30" })),
            new("POST", "api/forecast", "/forecast", """{"history":[1,2],"days":1}"""),
            new("POST", "api/forecast", "/forecast", JsonSerializer.Serialize(new { history = Enumerable.Repeat(80f, 200), days = 31 })),
            new("POST", "api/forecast", "/forecast", JsonSerializer.Serialize(new { history = Enumerable.Repeat(80f, 200), lastDate = "2999-01-01" })),
            new("POST", "api/forecast", "/forecast", JsonSerializer.Serialize(new { history = new float[5000] })),
            new("POST", "api/forecast", "/forecast", "{\"history\":[" + string.Join(",", Enumerable.Repeat("12.5", 30_000)) + "]}"),
            new("POST", "api/forecast", "/forecast", history, "text/plain"),
            new("POST", "api/forecast", "/forecast", "not json"),
            new("POST", "api/forecast", "/forecast", ""),
            new("POST", "api/forecast", "/forecast", """{"history":[1,2,NaN]}"""),
            new("POST", "api/forecast?days=3", "/forecast", history),

            new("GET", "api/forecast/chart", "/forecast/chart"),
            new("GET", "api/forecast/chart?days=7&history=30", "/forecast/chart"),
            new("GET", "api/forecast/chart?history=0", "/forecast/chart"),
            new("GET", "api/forecast/chart?history=abc", "/forecast/chart"),
            new("GET", "api/forecast/chart?days=99", "/forecast/chart"),

            new("GET", "api/dashboard", "/dashboard"),
            new("GET", "api/dashboard?x=1", "/dashboard"),

            new("POST", "api/classify", "/classify", """{"sequence":[0,0,2,2,0,0]}"""),
            new("POST", "api/classify", "/classify", """{"sequence":[1]}"""),
            new("POST", "api/classify", "/classify", """{"sequence":[9]}"""),
            new("POST", "api/classify", "/classify", """{"sequence":[]}"""),
            new("POST", "api/classify", "/classify", """{"steps":[1]}"""),
            new("POST", "api/classify", "/classify", "[1,2]"),
            new("POST", "api/classify", "/classify", """{"sequence":[0,1]}""", "application/xml"),

            new("GET", "api/models", "/models"),
            new("GET", "api/models?model=sunspots", "/models"),
            new("GET", "api/models?model=cars", "/models"),
            new("GET", "api/models?model=unicorns", "/models"),
            new("GET", "api/models?name=x", "/models"),

            new("GET", "api/skill", "/skill"),
            new("GET", "api/skill?model=sunspots", "/skill"),
            new("GET", "api/skill?model=cars", "/skill"),
            new("GET", "api/skill?model=unicorns", "/skill"),

            new("POST", "api/retrain", "/retrain", """{"model":"sunspots"}"""),
            new("POST", "api/retrain", "/retrain", """{"model":"sunspots"}""", Key: KeyUse.Wrong),
            new("POST", "api/retrain", "/retrain", """{"model":"sunspots"}""", Key: KeyUse.Header),
            new("POST", "api/retrain", "/retrain", """{"model":"cars"}""", Key: KeyUse.Query),
            new("POST", "api/retrain", "/retrain", """{"model":"unicorns"}""", Key: KeyUse.Header),
            new("POST", "api/retrain", "/retrain", """{"model":7}""", Key: KeyUse.Header),
            new("POST", "api/retrain", "/retrain", "{", Key: KeyUse.Header),
            new("POST", "api/retrain?now=1", "/retrain", """{"model":"cars"}""", Key: KeyUse.Header),

            new("POST", "api/models/sunspots/1/promote", "/models/{name}/{version}/promote"),
            new("POST", "api/models/sunspots/1/promote", "/models/{name}/{version}/promote", Key: KeyUse.Wrong),
            new("POST", "api/models/sunspots/1/promote", "/models/{name}/{version}/promote", Key: KeyUse.Header),
            new("POST", "api/models/cars/1/promote", "/models/{name}/{version}/promote", Key: KeyUse.Query),
            new("POST", "api/models/sunspots/7/promote", "/models/{name}/{version}/promote", Key: KeyUse.Header),
            new("POST", "api/models/unicorns/1/promote", "/models/{name}/{version}/promote", Key: KeyUse.Header),
            new("POST", "api/models/sunspots/1/promote?force=1", "/models/{name}/{version}/promote", Key: KeyUse.Header),

            // What the host answers before any function runs.
            new("POST", "api/models/sunspots/one/promote", null, Key: KeyUse.Header),
            new("GET", "api/no-such-route", null),
            new("GET", "api/forecast/nope", null),
            new("GET", "forecast", null),
            new("DELETE", "api/forecast", null),
            new("PUT", "api/health", null),
            new("GET", "api/classify", null),
        ];
    }
}
