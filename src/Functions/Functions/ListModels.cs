using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Functions.Http;

namespace SunspotForecaster.Functions.Functions;

/// <summary><c>GET /api/models?name=sunspots|cars</c>: the registered versions with their figures, and which is champion.</summary>
public sealed class ListModels(ModelRegistry registry, ModelAliases aliases)
{
    [Function(nameof(ListModels))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string name = request.Query["name"].FirstOrDefault() ?? "sunspots";
        if (!RetrainRequest.Models.Contains(name))
        {
            return Problems.NotFound($"There is no model '{name}'; the models are {string.Join(", ", RetrainRequest.Models)}.");
        }

        IReadOnlyList<ModelVersion> versions = await registry.ListAsync(name, cancellationToken);
        Champion? champion = await aliases.GetChampionAsync(name, cancellationToken);
        return new OkObjectResult(new Answer(name, champion?.Version, versions));
    }

    public sealed record Answer(string Name, int? Champion, IReadOnlyList<ModelVersion> Versions);
}
