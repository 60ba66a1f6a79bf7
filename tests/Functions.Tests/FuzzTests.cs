using System.Collections.Concurrent;
using CsCheck;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;
using Xunit.Abstractions;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// Ten thousand generated requests (<see cref="FuzzRequests"/>, which the real worker's fuzz run
/// shares) over real HTTP across every route the host exposes (the admin ones with the function
/// key, so that their code runs): malformed and truncated JSON, wrong
/// types, NaN, Infinity, -0, 1e308, deep nesting, huge arrays, 10 MB bodies, chunked bodies without
/// Content-Length, wrong content types, unknown or repeated query parameters, non-ASCII. No answer
/// is a 5xx, and every 4xx is problem+json
/// naming the field to fix.
/// </summary>
[Collection(ServedAppCollection.Name)]
public sealed class FuzzTests(ServedAppFixture app, AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Requests = 10_000;

    [Fact]
    public async Task Ten_thousand_generated_requests_answer_no_5xx_and_every_4xx_names_its_field()
    {
        // An app of its own: the generated promotions and retrain requests change its storage only.
        await using FunctionsServer server = await ServedAppFixture.StartAsync(azurite);
        await ServedAppFixture.IngestAsync(server.Services, app.DataFile);
        await app.ServeAsync(server.Services, "sunspots");
        await app.ServeAsync(server.Services, "cars");
        var byStatus = new ConcurrentDictionary<int, int>();
        var byKind = new ConcurrentDictionary<string, int>();
        using var client = new HttpClient { BaseAddress = server.Root, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("x-functions-key", FunctionsServer.FunctionKey);

        await FuzzRequests.Across(server.Routes).SampleAsync(async request =>
        {
            using HttpRequestMessage message = request.ToMessage();
            ApiAnswer answer = await ApiAnswer.ReadAsync(await client.SendAsync(message));
            byStatus.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
            byKind.AddOrUpdate(request.Kind, 1, (_, n) => n + 1);
            FuzzRequests.Check(answer, () => string.Join("\n", FunctionsServer.Unhandled));
        }, iter: Requests, threads: 4, print: r => r.ToString());

        output.WriteLine($"{byStatus.Values.Sum():N0} requests over HTTP; by status: {string.Join(", ", byStatus.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value:N0}"))}");
        output.WriteLine($"by kind: {string.Join(", ", byKind.OrderByDescending(k => k.Value).Select(k => $"{k.Key}: {k.Value:N0}"))}");
        Assert.Equal(Requests, byStatus.Values.Sum());
        Assert.DoesNotContain(byStatus.Keys, status => status >= 500);
        Assert.Empty(FunctionsServer.Unhandled);
        // The generator reaches past the parser: some requests are answered 200.
        Assert.True(byStatus.GetValueOrDefault(200) > 100, "too few requests got through to an answer");
    }
}
