using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// <c>GET /api/forecast?days=1..30</c>: the champion's forecast for the days from tomorrow (UTC), from
/// the last observation of the daily file and the daily estimate; 503 when that observation is too
/// old (a lead above 60 days). Cacheable until this instance would next look at the data and the champion.
/// </summary>
public sealed class GetForecast(ForecastService forecasts, IOptions<ServingOptions> options)
{
    [Function(nameof(GetForecast))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "forecast")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (QueryParameters.Check(request, "days") is { } unknown)
        {
            return unknown;
        }

        (int days, IActionResult? problem) = QueryParameters.Int(request, "days", 1, ForecastModel.MaxDays, fallback: 1);
        if (problem is not null)
        {
            return problem;
        }

        try
        {
            ForecastView view = await forecasts.LatestAsync(days, cancellationToken);
            return HttpCaching.Cacheable(request, new SharedJsonAnswer(view.Forecast), $"\"{view.Tag}-{days}\"", view.MaxAgeSeconds ?? 0);
        }
        catch (Exception e) when (e is NotReadyException or DataTooOldException)
        {
            return Problems.NotReady(request, options.Value.RetryAfterSeconds, e.Message);
        }
    }
}
