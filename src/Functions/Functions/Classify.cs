using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core;
using SunspotForecaster.Core.Classification;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Functions.Http;

namespace SunspotForecaster.Functions.Functions;

/// <summary><c>POST /api/classify</c> with <c>{"sequence":[0,0,1,1,0,0]}</c>: the car's colour class and the four probabilities.</summary>
public sealed class Classify(ChampionCache champions, IOptions<ServingOptions> options)
{
    [Function(nameof(Classify))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "classify")] HttpRequest request, CancellationToken cancellationToken)
    {
        (Body? body, IActionResult? problem) = await JsonBody.ReadAsync<Body>(request, options.Value.MaxBodyBytes, cancellationToken);
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
            CarColourSequences.Validate(sequence);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest("sequence", e.ForPeople());
        }

        ChampionState<CarColourModel> state = await champions.GetClassifierAsync(cancellationToken);
        if (state.Served is not { } served)
        {
            return Problems.NotReady(request, options.Value.RetryAfterSeconds, state.Problem ?? "No car-colour model has been trained yet.");
        }

        CarColourPrediction prediction = served.Model.Classify(sequence);
        return new OkObjectResult(new Answer(prediction.Class, prediction.Probabilities, new ModelRef(served.Name, served.Version)));
    }

    private sealed record Body(int[]? Sequence);

    public sealed record ModelRef(string Name, int Version);

    public sealed record Answer(int Class, float[] Probabilities, ModelRef Model);
}
