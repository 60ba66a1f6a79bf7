using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// What an anonymous caller can read — health, models, skill, the page and every problem answer —
/// in the states that make the app explain itself (nothing yet, a champion whose files are gone,
/// bad requests) carries no exception text, stack, storage address, account name, key or SAS.
/// </summary>
[Collection(ServedAppCollection.Name)]
public sealed class AnonymousAnswersTests(ServedAppFixture app, AzuriteFixture azurite)
{
    private static readonly string[] Anonymous =
    [
        "api/health", "api/models", "api/models?model=cars", "api/models?model=x", "api/models?name=cars", "api/skill", "api/skill?model=cars", "api/forecast", "api/forecast?days=0",
        "api/forecast/chart?history=-1", "api/dashboard", "api/dashboard?secret=1",
    ];

    private async Task<List<(string Request, ApiAnswer Answer)>> ReadAllAsync(FunctionsServer server)
    {
        var answers = new List<(string, ApiAnswer)>();
        foreach (string path in Anonymous)
        {
            answers.Add((path, await server.Client.GetAnswerAsync(path)));
        }

        foreach ((string path, string body) in new[]
        {
            ("api/forecast", "{\"history\":[1,2,"), ("api/forecast", "{\"history\":\"x\"}"), ("api/forecast", "{\"history\":[" + string.Join(",", Enumerable.Repeat("5", 60)) + "],\"lastDate\":\"2999-01-01\"}"),
            ("api/classify", "{\"sequence\":[7]}"), ("api/classify", "[]"),
        })
        {
            answers.Add(($"POST {path} {body}", await server.Client.PostAnswerAsync(path, body)));
        }

        return answers;
    }

    private void AssertNothingLeaks(IEnumerable<(string Request, ApiAnswer Answer)> answers)
    {
        string[] secrets =
        [
            azurite.BlobServiceClient.Uri.Authority, azurite.TableServiceClient.Uri.Authority, azurite.QueueServiceClient.Uri.Authority,
            azurite.BlobServiceClient.AccountName, "AccountKey", "SharedAccessSignature", "sig=", "DefaultEndpointsProtocol",
            "Exception", "   at ", "Azure.", "System.", "RequestFailed", "Status: ", "ErrorCode", ".cs:line",
        ];
        foreach ((string request, ApiAnswer answer) in answers)
        {
            Assert.True(answer.Status < 500 || answer.Status == 503, $"{request}: {answer.Status}");
            foreach (string secret in secrets)
            {
                Assert.False(answer.Body.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{request} answered {answer.Status} with \"{secret}\" in it: {answer.Body}");
            }
        }
    }

    [Fact]
    public async Task Before_anything_exists_the_answers_say_so_and_nothing_more()
    {
        await using FunctionsServer server = await ServedAppFixture.StartAsync(azurite);

        AssertNothingLeaks(await ReadAllAsync(server));
    }

    [Fact]
    public async Task A_champion_whose_files_are_gone_is_explained_without_the_storage_error()
    {
        await using FunctionsServer server = await ServedAppFixture.StartAsync(azurite);
        IServiceProvider services = server.Services;
        await ServedAppFixture.IngestAsync(services, app.DataFile);
        await app.ServeTheForecasterAsync(services);
        await app.ServeAsync(services, "cars");
        StorageOptions storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        foreach (string model in new[] { "sunspots", "cars" })
        {
            await azurite.BlobServiceClient.GetBlobContainerClient(storage.ModelsContainer).DeleteBlobAsync($"{model}/{1:000000}/{ModelPackage.WeightsFileName}");
        }

        List<(string Request, ApiAnswer Answer)> answers = await ReadAllAsync(server);

        ApiAnswer health = answers.Single(a => a.Request == "api/health").Answer;
        Assert.Contains("cannot be loaded", health.Json.GetProperty("models").GetProperty("sunspots").GetProperty("problem").GetString());
        Assert.True(answers.Single(a => a.Request == "api/forecast").Answer.Json.GetProperty("fallback").GetBoolean());
        AssertNothingLeaks(answers);
    }
}
