using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Functions.Http;

namespace SunspotForecaster.Functions.Functions;

/// <summary><c>POST /api/models/{name}/{version}/promote</c> (function key): make any complete version champion, also to roll back.</summary>
public sealed class PromoteModel(ModelRegistry registry, PromotionService promotion)
{
    [Function(nameof(PromoteModel))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/{version:int}/promote")] HttpRequest request,
        string name,
        int version,
        CancellationToken cancellationToken)
    {
        if (!RetrainRequest.Models.Contains(name))
        {
            return Problems.NotFound($"There is no model '{name}'; the models are {string.Join(", ", RetrainRequest.Models)}.");
        }

        if (await registry.GetAsync(name, version, cancellationToken) is null)
        {
            return Problems.NotFound($"Model '{name}' has no version {version}.");
        }

        try
        {
            Champion champion = await promotion.PromoteAsync(name, version, "promoted by hand", cancellationToken);
            return new OkObjectResult(new { champion.Name, champion.Version, champion.PromotedAt, champion.Reason });
        }
        catch (ModelPackageException e)
        {
            return Problems.NotFound($"Version {version} of '{name}' cannot be served, so it cannot be champion: {e.Message}");
        }
    }
}
