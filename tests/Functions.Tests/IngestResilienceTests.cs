using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Functions.Background;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Functions.Tests;

/// <summary>The timer's download against a misbehaving SILSO: retried, bounded in time, and never storing a broken file.</summary>
[Collection(ServedAppCollection.Name)]
public sealed class IngestResilienceTests : IDisposable
{
    private readonly SidcHttpServer _silso = new(new SidcCsvBuilder().StartingOn(new DateOnly(1990, 1, 1)).WithDays(4000).Build());
    private readonly ServiceProvider _services;

    public IngestResilienceTests(AzuriteFixture azurite)
    {
        IConfiguration configuration = TestSettings.For(azurite,
            ("Ingest:SourceUrl", _silso.Url), ("Ingest:AttemptTimeoutSeconds", 1), ("Ingest:Retries", 2), ("Ingest:RetryDelaySeconds", 0.05), ("Ingest:TotalTimeoutSeconds", 10));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSunspotCore(configuration);
        services.AddTransient<IngestSunspots>();
        _services = services.BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _silso.Dispose();
    }

    private Task Ingest() => _services.GetRequiredService<IngestSunspots>().Run(new TimerInfo(), CancellationToken.None);

    private RawDataStore Store => _services.GetRequiredService<RawDataStore>();

    [Fact]
    public async Task A_server_error_is_retried_and_the_file_stored()
    {
        _silso.Script.Enqueue("500");

        await Ingest();

        Assert.Equal(2, _silso.Requests);
        Assert.NotNull(await Store.GetLatestAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("hang", 3)]
    [InlineData("503", 3)]
    [InlineData("cut", 1)] // the body breaks after the headers arrived: past the retrying handler
    public async Task A_server_that_keeps_failing_stores_nothing_and_the_attempt_is_recorded(string misbehaviour, int attempts)
    {
        for (int i = 0; i < 3; i++)
        {
            _silso.Script.Enqueue(misbehaviour);
        }

        await Assert.ThrowsAsync<HttpRequestException>(Ingest);

        Assert.Equal(attempts, _silso.Requests);
        Assert.Null(await Store.GetLatestAsync(CancellationToken.None));
        IngestRun run = (await Store.GetRecentRunsAsync(1, CancellationToken.None))[0];
        Assert.Equal("Failed", run.Outcome);
        Assert.False(string.IsNullOrEmpty(run.Error));
    }

    [Theory]
    [InlineData("stall", "stopped sending for 1 s")] // headers and a first part, then silence
    [InlineData("endless", "sends more than 67,108,864 bytes")] // chunked, no Content-Length, never ending
    public async Task A_download_is_bounded_in_time_and_bytes_after_the_headers_too(string misbehaviour, string error)
    {
        _silso.Script.Enqueue(misbehaviour);

        Task ingest = Ingest();
        Task finished = await Task.WhenAny(ingest, Task.Delay(TimeSpan.FromSeconds(60)));

        Assert.Same(ingest, finished);
        HttpRequestException failure = await Assert.ThrowsAsync<HttpRequestException>(() => ingest);
        Assert.Contains(error, failure.Message);
        Assert.Null(await Store.GetLatestAsync(CancellationToken.None));
        IngestRun run = (await Store.GetRecentRunsAsync(1, CancellationToken.None))[0];
        Assert.Equal("Failed", run.Outcome);
        Assert.Contains(error, run.Error);
    }

    [Fact]
    public async Task An_html_page_instead_of_the_file_is_refused_and_nothing_is_queued()
    {
        _silso.Body = "<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>";

        await Ingest();

        Assert.Null(await Store.GetLatestAsync(CancellationToken.None));
        Assert.Equal("Invalid", (await Store.GetRecentRunsAsync(1, CancellationToken.None))[0].Outcome);
        StorageOptions names = _services.GetRequiredService<IOptions<StorageOptions>>().Value;
        Azure.Storage.Queues.QueueClient queue = _services.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>().GetQueueClient(names.RetrainQueue);
        Azure.Storage.Queues.Models.QueueMessage[] messages = (await queue.ReceiveMessagesAsync(32)).Value;
        Assert.DoesNotContain(messages, m => RetrainRequest.Parse(m.MessageText).Model == "sunspots");
    }
}
