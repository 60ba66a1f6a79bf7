using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SunspotForecaster.Models.Packaging;
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

        string model = request.Query["model"].FirstOrDefault() ?? ModelKind.Sunspots.Name;
        if (!ModelKind.TryParse(model, out ModelKind? kind))
        {
            return Problems.NotFound("model", ModelKind.Unknown(model));
        }

        return kind.LearnsFromData
            ? new OkObjectResult(await ledger.SkillAsync(cancellationToken))
            : Problems.NotFound("model", $"The model '{kind.Name}' ({kind.Description}) forecasts nothing, so it has no live skill; ask for model={ModelKind.Sunspots.Name}.");
    }
}
