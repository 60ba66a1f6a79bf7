using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Presentation;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// <c>GET /api/forecast/chart?days=1..30&amp;history=1..3653</c>: the forecast as an SVG picture after
/// the last <c>history</c> observed days (defaults 30 and 120); anonymous and cacheable.
/// </summary>
public sealed class GetForecastChart(DashboardService dashboard, IOptions<ServingOptions> options)
{
    [Function(nameof(GetForecastChart))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "forecast/chart")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (QueryParameters.Check(request, "days", "history") is { } unknown)
        {
            return unknown;
        }

        (int days, IActionResult? badDays) = QueryParameters.Int(request, "days", 1, ForecastModel.MaxDays, fallback: ForecastModel.MaxDays);
        (int history, IActionResult? badHistory) = QueryParameters.Int(request, "history", 1, ForecastChart.MaxHistoryDays, fallback: DashboardPage.HistoryDays);
        if ((badDays ?? badHistory) is { } problem)
        {
            return problem;
        }

        try
        {
            RenderedPage chart = await dashboard.ChartAsync(days, history, cancellationToken);
            request.HttpContext.Response.Headers.ContentSecurityPolicy = SecurityHeaders.ChartPolicy;
            return HttpCaching.Cacheable(request, new ContentResult { Content = chart.Content, ContentType = chart.MediaType }, chart.ETag, chart.MaxAgeSeconds);
        }
        catch (Exception e) when (e is NotReadyException or DataTooOldException)
        {
            return Problems.NotReady(request, options.Value.RetryAfterSeconds, e.Message);
        }
    }
}
