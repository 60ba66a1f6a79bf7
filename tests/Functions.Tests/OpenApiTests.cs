using System.Text.Json;
using System.Text.Json.Nodes;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// <c>GET /api/openapi.json</c> against what the host will expose (the built functions.metadata)
/// and against real answers from the server: every route and method is described, and every answer
/// — success or problem — has a status, media type, headers and body the document declares.
/// </summary>
[Collection(ServedAppCollection.Name)]
public sealed class OpenApiTests(ServedAppFixture app, AzuriteFixture azurite)
{
    private static JsonObject Document(ApiAnswer answer) => JsonNode.Parse(answer.Body)!.AsObject();

    [Fact]
    public async Task The_document_describes_exactly_the_routes_methods_and_keys_the_host_exposes()
    {
        ApiAnswer answer = await app.Server.Client.GetAnswerAsync("api/openapi.json");
        JsonObject document = Document(answer);
        JsonObject paths = document["paths"]!.AsObject();

        Assert.Equal(200, answer.Status);
        Assert.Equal("3.1.0", document["openapi"]!.GetValue<string>());
        Assert.Equal("/api", document["servers"]![0]!["url"]!.GetValue<string>());
        var described = paths.SelectMany(p => p.Value!.AsObject().Select(o => $"{o.Key.ToUpperInvariant()} {p.Key}")).Order().ToArray();
        var exposed = app.Server.Routes.SelectMany(r => r.Methods.Select(m => $"{m.ToUpperInvariant()} {r.DocumentPath}")).Order().ToArray();
        Assert.Equal(exposed, described);
        foreach (HttpFunctionRoute route in app.Server.Routes)
        {
            foreach (string method in route.Methods)
            {
                JsonObject operation = paths[route.DocumentPath]![method.ToLowerInvariant()]!.AsObject();
                Assert.Equal(route.Name, operation["operationId"]!.GetValue<string>());
                Assert.Equal(route.NeedsKey, operation["security"] is not null);
                Assert.Equal(route.NeedsKey, operation["responses"]!["401"] is not null);
                // Every route refuses unknown query parameters, so every route documents its 400.
                Assert.NotNull(operation["responses"]!["400"]);
            }
        }
    }

    [Fact]
    public async Task Real_answers_match_the_documents_schemas()
    {
        JsonObject document = Document(await app.Server.Client.GetAnswerAsync("api/openapi.json"));
        var validator = new OpenApiValidator(document);
        HttpClient client = app.Server.Client;
        string history = JsonSerializer.Serialize(new { history = Enumerable.Repeat(80f, 60), days = 5 });

        // The shared app: champions for both models, data through "today".
        validator.Check("get", "/forecast", await client.GetAnswerAsync("api/forecast"));
        validator.Check("get", "/forecast", await client.GetAnswerAsync("api/forecast?days=30"));
        validator.Check("get", "/forecast", await client.GetAnswerAsync("api/forecast?days=31"));
        validator.Check("post", "/forecast", await client.PostAnswerAsync("api/forecast", history));
        validator.Check("post", "/forecast", await client.PostAnswerAsync("api/forecast", "{\"history\":[1,2],\"days\":1}"));
        validator.Check("post", "/forecast", await client.PostAnswerAsync("api/forecast", history, "text/plain"));
        validator.Check("post", "/forecast", await client.PostAnswerAsync("api/forecast", JsonSerializer.Serialize(new { history = new float[500] })));
        validator.Check("get", "/forecast/chart", await client.GetAnswerAsync("api/forecast/chart?days=7&history=30"));
        validator.Check("get", "/forecast/chart", await client.GetAnswerAsync("api/forecast/chart?history=0"));
        validator.Check("get", "/dashboard", await client.GetAnswerAsync("api/dashboard"));
        validator.Check("get", "/dashboard", await client.GetAnswerAsync("api/dashboard?x=1"));
        validator.Check("post", "/classify", await client.PostAnswerAsync("api/classify", "{\"sequence\":[0,0,2,2,0,0]}"));
        validator.Check("post", "/classify", await client.PostAnswerAsync("api/classify", "{\"sequence\":[9]}"));
        validator.Check("get", "/models", await client.GetAnswerAsync("api/models"));
        validator.Check("get", "/models", await client.GetAnswerAsync("api/models?model=cars"));
        validator.Check("get", "/models", await client.GetAnswerAsync("api/models?model=unicorns"));
        validator.Check("get", "/skill", await client.GetAnswerAsync("api/skill?model=sunspots"));
        validator.Check("get", "/skill", await client.GetAnswerAsync("api/skill?model=cars"));
        validator.Check("get", "/health", await client.GetAnswerAsync("api/health"));
        validator.Check("get", "/openapi.json", await client.GetAnswerAsync("api/openapi.json"));
        validator.Check("post", "/models/{name}/{version}/promote", await client.PostAnswerAsync("api/models/sunspots/1/promote", ""));
        validator.Check("post", "/retrain", await client.PostAnswerAsync("api/retrain", "{\"model\":\"sunspots\"}"));

        // An app of its own for what changes state, and for the answers before anything exists.
        await using FunctionsServer fresh = await ServedAppFixture.StartAsync(azurite);
        validator.Check("get", "/forecast", await fresh.Client.GetAnswerAsync("api/forecast"));
        validator.Check("get", "/forecast/chart", await fresh.Client.GetAnswerAsync("api/forecast/chart"));
        validator.Check("get", "/dashboard", await fresh.Client.GetAnswerAsync("api/dashboard"));
        validator.Check("post", "/classify", await fresh.Client.PostAnswerAsync("api/classify", "{\"sequence\":[0,1]}"));
        validator.Check("get", "/health", await fresh.Client.GetAnswerAsync("api/health"));
        validator.Check("post", "/retrain", await fresh.KeyedClient.PostAnswerAsync("api/retrain", "{\"model\":\"sunspots\"}"));
        await ServedAppFixture.IngestAsync(fresh.Services, app.DataFile);
        await app.ServeTheForecasterAsync(fresh.Services);
        validator.Check("post", "/retrain", await fresh.KeyedClient.PostAnswerAsync("api/retrain", "{\"model\":\"sunspots\"}"));
        validator.Check("post", "/retrain", await fresh.KeyedClient.PostAnswerAsync("api/retrain", "{\"model\":\"unicorns\"}"));
        validator.Check("post", "/models/{name}/{version}/promote", await fresh.KeyedClient.PostAnswerAsync("api/models/sunspots/1/promote", ""));
        validator.Check("post", "/models/{name}/{version}/promote", await fresh.KeyedClient.PostAnswerAsync("api/models/sunspots/7/promote", ""));
        validator.Check("post", "/models/{name}/{version}/promote", await fresh.KeyedClient.PostAnswerAsync("api/models/unicorns/1/promote", ""));
        validator.Check("get", "/models", await fresh.Client.GetAnswerAsync("api/models"));

        Assert.Empty(FunctionsServer.Unhandled);
    }
}
