using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Presentation;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// <c>GET /api/dashboard</c>: the page people open (anonymous, self-contained, cacheable). Without a
/// forecast it still answers a page that says why, as a 503 with Retry-After.
/// </summary>
public sealed class GetDashboard(DashboardService dashboard, IOptions<ServingOptions> options)
{
    [Function(nameof(GetDashboard))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RenderedPage page = await dashboard.PageAsync(cancellationToken);
        // Nothing outside the page may load: it is self-contained, and this keeps it so.
        request.HttpContext.Response.Headers.ContentSecurityPolicy = SecurityHeaders.PagePolicy;
        var content = new ContentResult { Content = page.Content, ContentType = page.MediaType, StatusCode = page.HasForecast ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable };
        if (!page.HasForecast)
        {
            HttpCaching.NoStore(request);
            request.HttpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return content;
        }

        return HttpCaching.Cacheable(request, content, page.ETag, page.MaxAgeSeconds);
    }
}
