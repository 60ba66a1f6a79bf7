using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Functions.Http;

namespace SunspotForecaster.Functions.Functions;

/// <summary><c>POST /api/retrain</c> with <c>{"model":"sunspots"}</c> (function key): queue a retrain on the current data; 202 and the message.</summary>
public sealed class RequestRetrain(RawDataStore rawData, RetrainQueue queue, IOptions<ServingOptions> options, TimeProvider clock)
{
    [Function(nameof(RequestRetrain))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Function, "post", Route = "retrain")] HttpRequest request, CancellationToken cancellationToken)
    {
        (Body? body, IActionResult? problem) = await JsonBody.ReadAsync<Body>(request, options.Value.MaxBodyBytes, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Model is not { } model || !RetrainRequest.Models.Contains(model))
        {
            return Problems.BadRequest("model", $"'{body.Model}' is not one of {string.Join(", ", RetrainRequest.Models)}.");
        }

        string? blob = null;
        string? sha256 = null;
        if (model == ForecasterPackage.Kind)
        {
            if (await rawData.GetLatestAsync(cancellationToken) is not { } latest)
            {
                return Problems.NotReady(request, options.Value.RetryAfterSeconds, "No SIDC data has been ingested yet; there is nothing to train on.");
            }

            (blob, sha256) = (latest.Pointer.BlobName, latest.Pointer.Sha256);
        }

        var message = new RetrainRequest(model, blob, sha256, "manual", clock.GetUtcNow());
        await queue.EnsureCreatedAsync(cancellationToken);
        await queue.EnqueueAsync(message, cancellationToken);
        return new ObjectResult(message) { StatusCode = StatusCodes.Status202Accepted };
    }

    private sealed record Body(string? Model);
}
