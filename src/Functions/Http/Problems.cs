using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace SunspotForecaster.Functions.Http;

/// <summary>Every error answer of the API: RFC 9457 problem details with a message a person can act on.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ObjectResult BadRequest(string field, string detail) =>
        Problem(StatusCodes.Status400BadRequest, "The request is not valid", $"{field}: {detail}", new Dictionary<string, object?> { ["field"] = field });

    public static ObjectResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail);

    public static ObjectResult TooLarge(string detail) => Problem(StatusCodes.Status413PayloadTooLarge, "The request body is too large", detail);

    public static ObjectResult UnsupportedMediaType(string detail) => Problem(StatusCodes.Status415UnsupportedMediaType, "Send JSON", detail);

    /// <summary>503 with Retry-After: nothing to answer with yet.</summary>
    public static ObjectResult NotReady(HttpRequest request, int retryAfterSeconds, string detail)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, "Not ready yet", detail);
    }

    private static ObjectResult Problem(int status, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        foreach ((string key, object? value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return new ObjectResult(problem) { StatusCode = status, ContentTypes = { ContentType } };
    }
}
