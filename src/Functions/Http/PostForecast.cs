using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// <c>POST /api/forecast</c> with <c>{"history":[…],"days":n,"lastDate":"YYYY-MM-DD"}</c>: the same
/// forecast for the days from tomorrow (UTC), from the caller's own daily values (oldest first);
/// <c>lastDate</c>, the date of the last value, defaults to yesterday (UTC). A last value too old
/// for the days asked (a lead above 60) is the caller's to fix: 400 naming <c>lastDate</c>.
/// </summary>
public sealed class PostForecast(ForecastService forecasts, IOptions<ServingOptions> options)
{
    [Function(nameof(PostForecast))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "forecast")] HttpRequest request, CancellationToken cancellationToken)
    {
        (Body? body, IActionResult? problem) = QueryParameters.Check(request) is { } unknown
            ? (null, unknown)
            : await JsonBody.ReadAsync<Body>(request, options.Value, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.History is not { Length: > 0 } history)
        {
            return Problems.BadRequest("history", "give the recent daily sunspot numbers, oldest first.");
        }

        if (history.Length > options.Value.MaxHistory)
        {
            return Problems.TooLarge("history", $"history has {history.Length} values; at most {options.Value.MaxHistory} are accepted (only the last ones are used).");
        }

        int days = body.Days ?? 1;
        if (days is < 1 or > ForecastModel.MaxDays)
        {
            return Problems.BadRequest("days", $"{days} is not from 1 to {ForecastModel.MaxDays}.");
        }

        DateOnly? lastDate = null;
        if (body.LastDate is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly parsed))
            {
                return Problems.BadRequest("lastDate", $"'{text}' is not a date written YYYY-MM-DD.");
            }

            lastDate = parsed;
        }

        try
        {
            return new OkObjectResult(await forecasts.FromHistoryAsync(history, days, lastDate, cancellationToken));
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest(e.ParamName is "lastDate" or "days" ? e.ParamName : "history", e.ForPeople());
        }
        catch (NotReadyException e)
        {
            return Problems.NotReady(request, options.Value.RetryAfterSeconds, e.Message);
        }
        catch (DataTooOldException e)
        {
            return Problems.BadRequest("lastDate", e.Message);
        }
    }

    private sealed record Body(float[]? History, int? Days, string? LastDate);
}
