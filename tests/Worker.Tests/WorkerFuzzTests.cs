using System.Collections.Concurrent;
using CsCheck;
using SunspotForecaster.Testing.Http;
using Xunit.Abstractions;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// The stand-in's fuzz requests (<see cref="FuzzRequests"/>: malformed, truncated, deep, huge,
/// chunked, wrongly typed and encoded bodies, odd query parameters) through the emulated host to the
/// real worker serving champions, with the function key so that the admin routes' code runs: no
/// answer is a 5xx, and every 4xx is problem+json naming the field to fix.
/// </summary>
[Collection(ServedWorkerCollection.Name)]
public sealed class WorkerFuzzTests(ServedWorkerFixture app, ITestOutputHelper output)
{
    private const int Requests = 1_000;

    [Fact]
    public async Task A_thousand_generated_requests_through_the_worker_answer_no_5xx_and_every_4xx_names_its_field()
    {
        var byStatus = new ConcurrentDictionary<int, int>();
        using HttpClient client = app.Host.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(2);
        client.DefaultRequestHeaders.Add("x-functions-key", app.Options.FunctionKey);

        await FuzzRequests.Across(HttpFunctionRoute.Read(Paths.WorkerDirectory)).SampleAsync(async request =>
        {
            using HttpRequestMessage message = request.ToMessage();
            ApiAnswer answer = await ApiAnswer.ReadAsync(await client.SendAsync(message));
            byStatus.AddOrUpdate(answer.Status, 1, (_, n) => n + 1);
            FuzzRequests.Check(answer, app.Describe);
        }, iter: Requests, threads: 4, print: r => r.ToString());

        output.WriteLine($"{byStatus.Values.Sum():N0} requests through the worker; by status: {string.Join(", ", byStatus.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value:N0}"))}");
        Assert.Equal(Requests, byStatus.Values.Sum());
        // The generator reaches past the parser: some requests are answered 200.
        Assert.True(byStatus.GetValueOrDefault(200) > 10, "too few requests got through to an answer");
    }
}
