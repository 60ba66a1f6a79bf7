using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SunspotForecaster.Core.Pipeline;

namespace SunspotForecaster.Functions.Http;

/// <summary><c>GET /api/health</c>: how old the data are, how the last ingest went, and the champion of each model.</summary>
public sealed class Health(ModelCatalog catalog)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken)
    {
        return QueryParameters.Check(request) ?? new OkObjectResult(await catalog.HealthAsync(cancellationToken));
    }
}
