using System.Net;
using System.Text;
using System.Text.Json;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// HTTP through the real worker: the emulated host routes the request, invokes the function over
/// gRPC and forwards the request to the worker's ASP.NET Core server, as the Functions host does
/// with the ASP.NET Core integration. The answers are the contract's (docs: DESIGN.md's HTTP API).
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class HttpTests(WorkerFixture worker) : IDisposable
{
    private readonly HttpClient _client = worker.Host.CreateClient();

    public void Dispose() => _client.Dispose();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string field, string detail)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        JsonElement problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        if (field.Length > 0)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        return problem;
    }

    [Fact]
    public async Task Health_answers_200_with_the_data_ingest_and_model_sections()
    {
        using HttpResponseMessage response = await _client.GetAsync("api/health");
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonElement json = JsonDocument.Parse(body).RootElement;
        // This fixture's storage has no data and no model: health says so instead of failing.
        Assert.Equal(JsonValueKind.Null, json.GetProperty("data").ValueKind);
        Assert.Equal("no SIDC data has been ingested yet", json.GetProperty("eisn").GetProperty("note").GetString());
        foreach (string model in new[] { "sunspots", "cars" })
        {
            Assert.Equal(JsonValueKind.Null, json.GetProperty("models").GetProperty(model).GetProperty("champion").ValueKind);
        }

        Assert.Contains(worker.Host.Invocations, i => i.FunctionName == "Health" && i.Succeeded);
    }

    [Theory]
    [InlineData("?days=0")]
    [InlineData("?days=31")]
    [InlineData("?days=three")]
    public async Task A_bad_days_on_the_forecast_route_is_a_400_naming_the_field(string query)
    {
        using HttpResponseMessage response = await _client.GetAsync("api/forecast" + query);

        await ProblemAsync(response, HttpStatusCode.BadRequest, "days", "is not a whole number from 1 to 30");
    }

    [Theory]
    [InlineData("api/forecast?day=7", "day", "this route has no parameter 'day'")]
    [InlineData("api/forecast?days=1&days=2", "days", "give days once")]
    [InlineData("api/health?verbose=1", "verbose", "it takes none")]
    public async Task An_unknown_or_repeated_query_parameter_is_a_400_naming_it(string path, string field, string detail)
    {
        using HttpResponseMessage response = await _client.GetAsync(path);

        await ProblemAsync(response, HttpStatusCode.BadRequest, field, detail);
    }

    [Fact]
    public async Task Before_any_model_is_trained_the_forecast_is_a_503_with_retry_after()
    {
        using HttpResponseMessage response = await _client.GetAsync("api/forecast");

        await ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "", "");
        Assert.Equal(TimeSpan.FromSeconds(300), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_post_body_reaches_the_function_and_bad_json_is_a_400()
    {
        using var content = new StringContent("not json", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _client.PostAsync("api/classify", content);

        await ProblemAsync(response, HttpStatusCode.BadRequest, "body", "not valid JSON");
    }

    [Fact]
    public async Task The_admin_routes_want_the_function_key_and_route_values_reach_the_function()
    {
        using HttpResponseMessage anonymous = await _client.PostAsync("api/models/unicorns/1/promote", null);
        using HttpResponseMessage keyed = await _client.PostAsync($"api/models/unicorns/1/promote?code={worker.Options.FunctionKey}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        // {name} came through as trigger metadata: the function names the unknown model.
        await ProblemAsync(keyed, HttpStatusCode.NotFound, "name", "unicorns");
    }

    [Fact]
    public async Task A_route_the_app_does_not_have_is_a_404_from_the_host()
    {
        using HttpResponseMessage response = await _client.GetAsync("api/no-such-route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "api/health")]
    [InlineData("GET", "api/models")]
    [InlineData("GET", "api/models?name=x")]
    [InlineData("GET", "api/skill")]
    [InlineData("GET", "api/forecast?days=%EF%BC%93")]
    [InlineData("GET", "api/forecast/chart")]
    [InlineData("GET", "api/dashboard")]
    [InlineData("GET", "api/openapi.json")]
    [InlineData("POST", "api/forecast")]
    [InlineData("POST", "api/classify")]
    public async Task No_answer_is_a_server_error_other_than_503(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent("""{"history":[1,2,3],"days":1,"sequence":[9]}""", Encoding.UTF8, "application/json");
        }

        using HttpResponseMessage response = await _client.SendAsync(request);

        Assert.True((int)response.StatusCode < 500 || response.StatusCode == HttpStatusCode.ServiceUnavailable,
            $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
