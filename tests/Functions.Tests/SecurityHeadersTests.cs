using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// What browsers are told on every answer the app writes (the host's own 401s and 404s are the
/// host's): no content-type guessing on any route and status, the
/// page and chart not framed by other sites, and no cross-origin reads granted (the app sends no
/// CORS headers, whatever Origin asks; the Function App's own CORS list is empty, see the
/// infrastructure tests).
/// </summary>
[Collection(ServedAppCollection.Name)]
public sealed class SecurityHeadersTests(ServedAppFixture app)
{
    [Theory]
    [InlineData("GET", "api/forecast", 200)]
    [InlineData("GET", "api/forecast?days=0", 400)]
    [InlineData("GET", "api/forecast/chart", 200)]
    [InlineData("GET", "api/dashboard", 200)]
    [InlineData("GET", "api/models?model=unicorns", 404)]
    [InlineData("GET", "api/health", 200)]
    [InlineData("GET", "api/openapi.json", 200)]
    [InlineData("POST", "api/classify", 400)]
    public async Task Every_answer_forbids_content_type_sniffing_and_grants_no_other_origin(string method, string path, int status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Origin", "https://elsewhere.example");
        if (method == "POST")
        {
            request.Content = new StringContent("{\"sequence\":[9]}", System.Text.Encoding.UTF8, "application/json");
        }

        ApiAnswer answer = await ApiAnswer.ReadAsync(await app.Server.Client.SendAsync(request));

        Assert.Equal(status, answer.Status);
        Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"), $"{path} grants another origin");
    }

    [Theory]
    [InlineData("api/dashboard")]
    [InlineData("api/forecast/chart")]
    public async Task The_page_and_the_chart_may_not_be_framed_by_another_site(string path)
    {
        ApiAnswer answer = await app.Server.Client.GetAnswerAsync(path);

        Assert.Equal(200, answer.Status);
        string policy = Assert.Single(answer.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("default-src 'none'", policy);
    }
}
