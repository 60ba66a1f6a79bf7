using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Functions.Functions;

/// <summary><c>GET /api/health</c>: how old the data are, how the last ingest went, and the champion of each model.</summary>
public sealed class Health(RawDataStore rawData, ModelAliases aliases, TimeProvider clock)
{
    [Function(nameof(Health))]
    public async Task<IActionResult> Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        (LatestPointer Pointer, Azure.ETag ETag)? latest = await rawData.GetLatestAsync(cancellationToken);
        IReadOnlyList<TableEntity> runs;
        try
        {
            runs = await rawData.GetRecentRunsAsync(1, cancellationToken);
        }
        catch (Azure.RequestFailedException e) when (e.ErrorCode == "TableNotFound")
        {
            runs = [];
        }

        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var data = latest is { } l ? new DataState(l.Pointer.LastDate, l.Pointer.StoredAt, today.DayNumber - l.Pointer.LastDate.DayNumber, l.Pointer.Sha256) : null;
        var ingest = runs.Count > 0 ? new IngestState(runs[0].GetDateTimeOffset("Time"), runs[0].GetString("Outcome"), runs[0].GetString("Error")) : null;
        var champions = new Dictionary<string, int?>();
        foreach (string model in RetrainRequest.Models)
        {
            champions[model] = (await aliases.GetChampionAsync(model, cancellationToken))?.Version;
        }

        return new OkObjectResult(new Answer(data, ingest, champions));
    }

    public sealed record DataState(DateOnly LastDate, DateTimeOffset StoredAt, int AgeDays, string Sha256);

    public sealed record IngestState(DateTimeOffset? Time, string? Outcome, string? Error);

    public sealed record Answer(DataState? Data, IngestState? LastIngest, IReadOnlyDictionary<string, int?> Champions);
}
