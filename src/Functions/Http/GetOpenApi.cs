using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace SunspotForecaster.Functions.Http;

/// <summary><c>GET /api/openapi.json</c>: the OpenAPI 3.1 description of every route (Http/openapi.json, checked against real answers by the tests).</summary>
public sealed class GetOpenApi
{
    private static readonly Lazy<string> Document = new(() =>
    {
        using Stream stream = typeof(GetOpenApi).Assembly.GetManifestResourceStream("SunspotForecaster.Functions.Http.openapi.json")
            ?? throw new InvalidOperationException("openapi.json is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    [Function(nameof(GetOpenApi))]
    public IActionResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (QueryParameters.Check(request) is { } problem)
        {
            return problem;
        }

        request.HttpContext.Response.Headers.CacheControl = "public, max-age=3600";
        return new ContentResult { Content = Document.Value, ContentType = "application/json; charset=utf-8" };
    }
}
