namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// The header every answer carries is added by a startup filter around the worker's own ASP.NET
/// Core pipeline: through the real worker it is there on answers of every kind.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class SecurityHeadersTests(WorkerFixture worker) : IDisposable
{
    private readonly HttpClient _client = worker.Host.CreateClient();

    public void Dispose() => _client.Dispose();

    [Theory]
    [InlineData("api/health")]
    [InlineData("api/forecast?days=0")]
    [InlineData("api/forecast")]
    [InlineData("api/openapi.json")]
    public async Task The_worker_answers_with_nosniff(string path)
    {
        using HttpResponseMessage response = await _client.GetAsync(path);

        Assert.True((int)response.StatusCode < 500 || (int)response.StatusCode == 503, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
    }
}
