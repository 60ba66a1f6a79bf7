using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Functions.Http;

/// <summary><c>POST /api/retrain</c> with <c>{"model":"sunspots"}</c> (function key): queue a retrain on the current data; 202 and the message.</summary>
public sealed class RequestRetrain(ModelCatalog catalog, IOptions<ServingOptions> options)
{
    [Function(nameof(RequestRetrain))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "post", Route = "retrain")] HttpRequest request, CancellationToken cancellationToken)
    {
        (Body? body, IActionResult? problem) = QueryParameters.Check(request) is { } unknown
            ? (null, unknown)
            : await JsonBody.ReadAsync<Body>(request, options.Value, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (!ModelKind.IsKnown(body!.Model))
        {
            return Problems.BadRequest("model", $"'{body.Model}' is not one of {string.Join(", ", ModelKind.All.Select(k => k.Name))}.");
        }

        try
        {
            return new ObjectResult(await catalog.RequestRetrainAsync(body.Model!, cancellationToken)) { StatusCode = StatusCodes.Status202Accepted };
        }
        catch (NotReadyException e)
        {
            return Problems.NotReady(request, options.Value.RetryAfterSeconds, e.Message);
        }
    }

    private sealed record Body(string? Model);
}
