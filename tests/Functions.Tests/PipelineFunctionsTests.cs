using System.Text;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Functions.Background;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// The timer and queue functions as the host would run them — composed like Program.cs, against
/// Azurite and a stand-in for SILSO on 127.0.0.1 — with storage names of their own.
/// </summary>
[Collection(ServedAppCollection.Name)]
public sealed class PipelineFunctionsTests : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite;
    private readonly SidcHttpServer _silso;
    private readonly ServiceProvider _services;
    private readonly QueueClient _queue;

    public PipelineFunctionsTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        _silso = new SidcHttpServer(Synthetic(10_592), etag: "\"v1\"");
        IConfiguration configuration = TestSettings.For(azurite, ("Ingest:SourceUrl", _silso.Url));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSunspotCore(configuration);
        services.AddTransient<IngestSunspots>();
        services.AddTransient<RetrainModel>();
        services.AddRunningWork();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        _queue = new QueueClient(azurite.ConnectionString, configuration["Storage:RetrainQueue"]);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        _silso.Dispose();
    }

    // 1975-01-01 onwards, the last 30 days provisional.
    private static string Synthetic(int days) =>
        new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(days).WithProvisionalFrom(new DateOnly(1975, 1, 1).AddDays(days - 30)).Build();

    private Task Ingest(bool pastDue = false) =>
        _services.GetRequiredService<IngestSunspots>().Run(new TimerInfo { IsPastDue = pastDue }, CancellationToken.None);

    private Task Retrain(string message) => _services.GetRequiredService<RetrainModel>().Run(message, CancellationToken.None);

    /// <summary>Takes every waiting message, decoded as the host decodes base64.</summary>
    private async Task<List<string>> TakeMessages()
    {
        var messages = new List<string>();
        if (!await _queue.ExistsAsync())
        {
            return messages;
        }

        while (true)
        {
            QueueMessage[] batch = (await _queue.ReceiveMessagesAsync(32)).Value;
            if (batch.Length == 0)
            {
                return messages;
            }

            foreach (QueueMessage message in batch)
            {
                messages.Add(Encoding.UTF8.GetString(Convert.FromBase64String(message.MessageText)));
                await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    private static string SunspotsMessage(List<string> messages) => messages.Single(m => RetrainRequest.Parse(m).Model == "sunspots");

    private Task<IReadOnlyList<ModelVersion>> Versions() => _services.GetRequiredService<ModelRegistry>().ListAsync("sunspots", CancellationToken.None);

    [Fact]
    public async Task Ingest_queues_one_retrain_the_retrain_makes_a_champion_and_unchanged_data_queue_nothing()
    {
        await Ingest();
        List<string> first = await TakeMessages();

        // New data for the forecaster, and a car model because none exists yet.
        Assert.Equal(["cars", "sunspots"], first.Select(m => RetrainRequest.Parse(m).Model).Order());
        RetrainRequest request = RetrainRequest.Parse(first.Single(m => RetrainRequest.Parse(m).Model == "sunspots"));
        Assert.Equal("new-data", request.Reason);

        foreach (string message in first)
        {
            await Retrain(message);
        }

        var aliases = _services.GetRequiredService<ModelAliases>();
        Champion? champion = await aliases.GetChampionAsync("sunspots", CancellationToken.None);
        Assert.Equal(1, champion?.Version);
        Assert.Equal(1, (await aliases.GetChampionAsync("cars", CancellationToken.None))?.Version);

        await Ingest(pastDue: true);
        Assert.Empty(await TakeMessages());
        Assert.Equal(1, _silso.NotModifiedAnswers);

        // SILSO publishes a month more: a new version, promoted only if it is better.
        _silso.Body = Synthetic(10_622);
        _silso.ETag = "\"v2\"";
        await Ingest();
        string second = Assert.Single(await TakeMessages());
        Assert.Equal("sunspots", RetrainRequest.Parse(second).Model);
        await Retrain(second);
        ModelVersion newer = (await Versions()).Single(v => v.Version == 2);
        Assert.Contains(newer.Status, new[] { ModelRegistry.StatusPromoted, ModelRegistry.StatusRejected });
        Assert.Contains("persistence", newer.Reason);
        champion = await aliases.GetChampionAsync("sunspots", CancellationToken.None);
        Assert.Equal(newer.Status == ModelRegistry.StatusPromoted ? 2 : 1, champion?.Version);
    }

    [Fact]
    public async Task Twenty_duplicate_messages_train_once()
    {
        await Ingest();
        string message = SunspotsMessage(await TakeMessages());

        for (int i = 0; i < 20; i++)
        {
            await Retrain(message);
        }

        Assert.Single(await Versions());
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("""{"model":"unicorns","reason":"manual","requestedAt":"2026-02-01T00:00:00Z"}""")]
    [InlineData("""{"model":"sunspots","dataBlob":"SN_d_tot_V2.0/1999-01-01_nothing.csv","dataSha256":"00","reason":"manual","requestedAt":"2026-02-01T00:00:00Z"}""")]
    public async Task A_message_that_can_never_succeed_completes_once_without_training(string message)
    {
        await Ingest();
        await TakeMessages();

        await Retrain(message);

        Assert.Empty(await Versions());
    }

    [Fact]
    public async Task While_another_instance_trains_the_model_the_message_comes_back_after_it_can_have_finished_and_never_reaches_the_poison_queue()
    {
        await Ingest();
        string message = SunspotsMessage(await TakeMessages());
        var options = _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>();
        await _services.GetRequiredService<ModelRegistry>().EnsureCreatedAsync(CancellationToken.None);
        await using TrainerLease? other = await TrainerLease.TryAcquireAsync(_azurite.BlobServiceClient, options, "sunspots", TrainerLease.DefaultDuration, TimeProvider.System, CancellationToken.None);

        // Five deliveries a minute apart used to poison the message while the other trainer had up
        // to 20 minutes to go; now the host completes it and a copy waits out the other training.
        for (int delivery = 0; delivery < 5; delivery++)
        {
            await Retrain(message);
        }

        Assert.Empty(await Versions());
        Azure.Storage.Queues.Models.QueueProperties queue = await _queue.GetPropertiesAsync();
        Assert.Equal(5, queue.ApproximateMessagesCount);
        Assert.Empty((await _queue.PeekMessagesAsync(32)).Value);
    }

    [Fact]
    public async Task The_hosts_cancellation_stops_training_and_releases_the_lease()
    {
        await Ingest();
        string message = SunspotsMessage(await TakeMessages());
        using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(700));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _services.GetRequiredService<RetrainModel>().Run(message, shutdown.Token));

        Assert.Empty(await Versions());
        var options = _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>();
        await using TrainerLease? next = await TrainerLease.TryAcquireAsync(_azurite.BlobServiceClient, options, "sunspots", TrainerLease.DefaultDuration, TimeProvider.System, CancellationToken.None);
        Assert.NotNull(next);
    }
}
