using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// <c>GET /api/models?model=sunspots|cars</c>: the registered versions with their figures, and which
/// is champion. <c>model</c> names a model on every route that takes one (<c>/api/skill</c> too); the
/// old <c>name</c> is refused with a message naming it.
/// </summary>
public sealed class ListModels(ModelCatalog catalog)
{
    [Function(nameof(ListModels))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.Query.ContainsKey("name"))
        {
            return Problems.BadRequest("name", "the model is now given as 'model' (?model=sunspots or ?model=cars), as on /api/skill.");
        }

        if (QueryParameters.Check(request, "model") is { } unknown)
        {
            return unknown;
        }

        string name = request.Query["model"].FirstOrDefault() ?? ModelKind.Sunspots.Name;
        try
        {
            return new OkObjectResult(await catalog.ListAsync(name, cancellationToken));
        }
        catch (KeyNotFoundException e)
        {
            return Problems.NotFound("model", e.Message);
        }
    }
}
