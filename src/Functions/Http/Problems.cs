using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// Every error answer of the API: RFC 9457 problem details with a message a person can act on, and
/// for every 4xx the <c>field</c> to fix (a body member, a query parameter, a route value, <c>body</c>
/// or <c>Content-Type</c>). Never an exception's text, a storage address or a stack.
/// </summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    public static ObjectResult BadRequest(string field, string detail) =>
        Problem(StatusCodes.Status400BadRequest, "The request is not valid", $"{field}: {detail}", field);

    public static ObjectResult NotFound(string field, string detail) => Problem(StatusCodes.Status404NotFound, "Not found", detail, field);

    public static ObjectResult TooLarge(string field, string detail) => Problem(StatusCodes.Status413PayloadTooLarge, "The request is too large", detail, field);

    public static ObjectResult Timeout(string field, string detail) => Problem(StatusCodes.Status408RequestTimeout, "The request took too long to arrive", detail, field);

    public static ObjectResult UnsupportedMediaType(string detail) => Problem(StatusCodes.Status415UnsupportedMediaType, "Send JSON", detail, "Content-Type");

    /// <summary>503 with Retry-After: nothing to answer with yet.</summary>
    public static ObjectResult NotReady(HttpRequest request, int retryAfterSeconds, string detail)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, "Not ready yet", detail);
    }

    private static ObjectResult Problem(int status, string title, string detail, string? field = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" };
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        return new ObjectResult(problem) { StatusCode = status, ContentTypes = { ContentType } };
    }
}
