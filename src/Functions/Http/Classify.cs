using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Functions.Http;

/// <summary><c>POST /api/classify</c> with <c>{"sequence":[0,0,1,1,0,0]}</c>: the car's colour class and the four probabilities.</summary>
public sealed class Classify(ClassificationService classifier, IOptions<ServingOptions> options)
{
    [Function(nameof(Classify))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "classify")] HttpRequest request, CancellationToken cancellationToken)
    {
        (Body? body, IActionResult? problem) = QueryParameters.Check(request) is { } unknown
            ? (null, unknown)
            : await JsonBody.ReadAsync<Body>(request, options.Value, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (body!.Sequence is not { } sequence)
        {
            return Problems.BadRequest("sequence", "give the steps, each 0 (nothing seen) or a colour 1..3, e.g. [0,0,1,1,0,0].");
        }

        try
        {
            return new OkObjectResult(await classifier.ClassifyAsync(sequence, cancellationToken));
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("sequence", e.ForPeople());
        }
        catch (NotReadyException e)
        {
            return Problems.NotReady(request, options.Value.RetryAfterSeconds, e.Message);
        }
    }

    private sealed record Body(int[]? Sequence);
}
