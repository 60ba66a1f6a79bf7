using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Pipeline;

namespace SunspotForecaster.Functions.Http;

/// <summary><c>GET /api/skill?model=sunspots</c>: live skill from the forecast ledger, per lead band and version, against persistence and the 27-day mean.</summary>
public sealed class GetSkill(LedgerService ledger)
{
    [Function(nameof(GetSkill))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "skill")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (QueryParameters.Check(request, "model") is { } unknown)
        {
            return unknown;
        }

        string model = request.Query["model"].FirstOrDefault() ?? ModelKinds.Sunspots;
        return model switch
        {
            ModelKinds.Sunspots => new OkObjectResult(await ledger.SkillAsync(cancellationToken)),
            ModelKinds.Cars => Problems.NotFound("model", "The car-colour classifier forecasts nothing, so it has no live skill; ask for model=sunspots."),
            _ => Problems.NotFound("model", ModelKinds.Unknown(model)),
        };
    }
}
