using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// <c>GET /api/forecast?days=1..30</c>: the champion's forecast for the days from tomorrow (UTC), from
/// the last observation of the daily file and the daily estimate; 503 when that observation is too
/// old (a lead above 60 days).
/// </summary>
public sealed class GetForecast(ForecastService forecasts, IOptions<ServingOptions> options)
{
    [Function(nameof(GetForecast))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "forecast")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        int days = 1;
        string? text = request.Query["days"];
        if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out days) || days is < 1 or > ForecastModel.MaxDays))
        {
            return Problems.BadRequest("days", $"'{text}' is not a whole number from 1 to {ForecastModel.MaxDays}.");
        }

        try
        {
            return new OkObjectResult(await forecasts.FromLatestDataAsync(days, cancellationToken));
        }
        catch (NotReadyException e)
        {
            return Problems.NotReady(request, options.Value.RetryAfterSeconds, e.Message);
        }
        catch (DataTooOldException e)
        {
            return Problems.NotReady(request, options.Value.RetryAfterSeconds, e.Message);
        }
    }
}
