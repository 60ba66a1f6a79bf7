using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// Answers that change only with the data, the champion or the day: public caches may keep them
/// as long as the serving instance would (<c>max-age</c>), and revalidate by entity tag (304).
/// </summary>
public static class HttpCaching
{
    public static IActionResult Cacheable(HttpRequest request, IActionResult answer, string etag, int maxAgeSeconds)
    {
        ArgumentNullException.ThrowIfNull(request);
        IHeaderDictionary headers = request.HttpContext.Response.Headers;
        headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"public, max-age={maxAgeSeconds}");
        headers.ETag = etag;
        return request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Tag == etag || tag == EntityTagHeaderValue.Any)
            ? new StatusCodeResult(StatusCodes.Status304NotModified)
            : answer;
    }

    /// <summary>For answers that must not be kept (no forecast yet, errors).</summary>
    public static void NoStore(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
    }
}
