using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Pipeline;

namespace SunspotForecaster.Functions.Http;

/// <summary><c>GET /api/models?name=sunspots|cars</c>: the registered versions with their figures, and which is champion.</summary>
public sealed class ListModels(ModelCatalog catalog)
{
    [Function(nameof(ListModels))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (QueryParameters.Check(request, "name") is { } unknown)
        {
            return unknown;
        }

        string name = request.Query["name"].FirstOrDefault() ?? ModelKinds.Sunspots;
        try
        {
            return new OkObjectResult(await catalog.ListAsync(name, cancellationToken));
        }
        catch (KeyNotFoundException e)
        {
            return Problems.NotFound("name", e.Message);
        }
    }
}
