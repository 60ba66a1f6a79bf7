using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Functions.Http;

/// <summary><c>POST /api/models/{name}/{version}/promote</c> (function key): make any complete version champion, also to roll back.</summary>
public sealed class PromoteModel(ModelCatalog catalog)
{
    [Function(nameof(PromoteModel))]
    public async Task<IActionResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "models/{name}/{version:int}/promote")] HttpRequest request,
        string name,
        int version,
        CancellationToken cancellationToken)
    {
        if (QueryParameters.Check(request) is { } unknown)
        {
            return unknown;
        }

        try
        {
            Champion champion = await catalog.PromoteAsync(name, version, cancellationToken);
            return new OkObjectResult(new { champion.Name, champion.Version, champion.PromotedAt, champion.Reason });
        }
        catch (KeyNotFoundException e)
        {
            return Problems.NotFound(ModelKind.IsKnown(name) ? "version" : "name", e.Message);
        }
        catch (ModelPackageException e)
        {
            return Problems.NotFound("version", $"Version {version} of '{name}' cannot be served, so it cannot be champion: {e.Message}");
        }
    }
}
