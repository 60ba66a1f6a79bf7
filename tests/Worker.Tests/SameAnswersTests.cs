using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// The real worker (behind the emulated host) and the Kestrel stand-in that tests/Functions.Tests
/// runs its contract suite on, over the same storage, settings and clock, answer every request of
/// <see cref="ContractRequest.All"/> the same: status, every header but the transport's, and body,
/// with only what must differ between two calls normalised. So the stand-in's large contract suite
/// speaks for the worker. And every answer of the worker matches openapi.json.
/// </summary>
[Collection(ServedWorkerCollection.Name)]
public sealed partial class SameAnswersTests(ServedWorkerFixture app) : IDisposable
{
    /// <summary>Set by the connection, not by the app: each server's own.</summary>
    private static readonly HashSet<string> Transport = new(StringComparer.OrdinalIgnoreCase) { "Date", "Server", "Transfer-Encoding" };

    /// <summary>Members that are the time of the call (each server answers at its own instant).</summary>
    private static readonly HashSet<string> TimeOfCall = new(StringComparer.Ordinal) { "issuedAt", "requestedAt", "promotedAt" };

    private readonly HttpClient _worker = app.Host.CreateClient();

    private int RefreshSeconds => int.Parse(app.Options.Setting("Serving:ChampionRefreshSeconds")!, CultureInfo.InvariantCulture);

    public void Dispose() => _worker.Dispose();

    /// <summary>The request to the worker, then to the stand-in; again when the UTC day turned between the two (the forecast's days then differ).</summary>
    private async Task<(ApiAnswer Worker, ApiAnswer StandIn)> BothAsync(ContractRequest request, string? ifNoneMatch = null)
    {
        while (true)
        {
            DateTime day = DateTime.UtcNow.Date;
            using HttpRequestMessage toWorker = request.ToMessage(app.Options.FunctionKey, ifNoneMatch);
            ApiAnswer worker = await ApiAnswer.ReadAsync(await _worker.SendAsync(toWorker));
            using HttpRequestMessage toStandIn = request.ToMessage(FunctionsServer.FunctionKey, ifNoneMatch);
            ApiAnswer standIn = await ApiAnswer.ReadAsync(await app.StandIn.Client.SendAsync(toStandIn));
            if (DateTime.UtcNow.Date == day)
            {
                return (worker, standIn);
            }
        }
    }

    /// <summary>
    /// Status, headers (sorted) and body, with the time of the call taken out; a max-age within the
    /// refresh interval too: it counts down from when each instance last looked at the champion.
    /// </summary>
    private string Describe(ApiAnswer answer)
    {
        var text = new StringBuilder().Append(answer.Status).Append('\n');
        bool json = answer.MediaType is "application/json" or "application/problem+json";
        // A JSON body is compared with its times taken out, and a time's length varies (trailing zeros of the fraction are not written): so is its Content-Length.
        foreach ((string name, IEnumerable<string> values) in answer.Headers.Concat(answer.ContentHeaders)
            .Where(h => !Transport.Contains(h.Key) && !(json && h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            .OrderBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            string value = string.Join(", ", values);
            text.Append(name.ToLowerInvariant()).Append(": ").Append(MaxAge().Replace(value, m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) <= RefreshSeconds ? $"max-age=(0..{RefreshSeconds})" : m.Value)).Append('\n');
        }

        return text.Append(json ? Normalised(JsonNode.Parse(answer.Body))?.ToJsonString() : answer.Body).ToString();
    }

    private static JsonNode? Normalised(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject json:
                foreach (string name in json.Select(p => p.Key).ToArray())
                {
                    json[name] = TimeOfCall.Contains(name) && json[name] is JsonValue ? "(time of the call)" : Normalised(json[name]?.DeepClone());
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    array[i] = Normalised(array[i]?.DeepClone());
                }

                break;
        }

        return node;
    }

    [Fact]
    public void The_request_set_covers_every_route_and_method_of_the_app()
    {
        string[] exposed = [.. app.StandIn.Routes.SelectMany(r => r.Methods.Select(m => $"{m.ToUpperInvariant()} {r.DocumentPath}")).Order(StringComparer.Ordinal)];
        string[] asked = [.. ContractRequest.All.Where(r => r.Operation is not null).Select(r => $"{r.Method} {r.Operation}").Distinct().Order(StringComparer.Ordinal)];

        Assert.Equal(exposed, asked);
        Assert.Contains(ContractRequest.All, r => r.Key == KeyUse.None && app.StandIn.Routes.Any(route => route.NeedsKey && route.DocumentPath == r.Operation));
    }

    [Fact]
    public async Task The_worker_and_the_stand_in_answer_every_request_the_same()
    {
        var statuses = new HashSet<int>();
        var differences = new List<string>();
        foreach (ContractRequest request in ContractRequest.All)
        {
            (ApiAnswer worker, ApiAnswer standIn) = await BothAsync(request);

            if (Describe(standIn) != Describe(worker))
            {
                differences.Add($"{request}{Environment.NewLine}worker:{Environment.NewLine}{Describe(worker)}{Environment.NewLine}stand-in:{Environment.NewLine}{Describe(standIn)}");
            }

            statuses.Add(worker.Status);
        }

        Assert.True(differences.Count == 0, $"{differences.Count} of {ContractRequest.All.Count} answers differ:{Environment.NewLine}{string.Join(Environment.NewLine + Environment.NewLine, differences)}");
        // The set reaches every kind of answer (not only refusals).
        Assert.Superset(new HashSet<int> { 200, 202, 400, 401, 404, 413, 415 }, statuses);
        Assert.Empty(FunctionsServer.Unhandled);
    }

    [Theory]
    [InlineData("api/forecast")]
    [InlineData("api/forecast?days=30")]
    [InlineData("api/forecast/chart")]
    [InlineData("api/dashboard")]
    public async Task Both_revalidate_the_same_entity_tag_with_a_304(string path)
    {
        var request = new ContractRequest("GET", path, null);
        (ApiAnswer first, _) = await BothAsync(request);
        string etag = Assert.Single(first.Headers.GetValues("ETag"));

        (ApiAnswer worker, ApiAnswer standIn) = await BothAsync(request, etag);

        Assert.Equal(304, worker.Status);
        Assert.Equal(Describe(worker), Describe(standIn));
    }

    [Fact]
    public async Task Every_answer_of_the_worker_matches_the_documents_schemas()
    {
        var validator = new OpenApiValidator(JsonNode.Parse(await _worker.GetStringAsync("api/openapi.json"))!.AsObject());
        int validated = 0;
        foreach (ContractRequest request in ContractRequest.All.Where(r => r.Operation is not null))
        {
            using HttpRequestMessage message = request.ToMessage(app.Options.FunctionKey);
            ApiAnswer answer = await ApiAnswer.ReadAsync(await _worker.SendAsync(message));

            validator.Check(request.Method.ToLowerInvariant(), request.Operation!, answer);
            validated += answer.MediaType is "application/json" or "application/problem+json" ? 1 : 0;
        }

        Assert.True(validated > 40, $"only {validated} JSON answers validated");
    }

    [GeneratedRegex(@"max-age=(\d+)")]
    private static partial Regex MaxAge();
}
