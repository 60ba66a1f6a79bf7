using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Configuration;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Training;

namespace SunspotForecaster.Core.Tests.Pipeline;

/// <summary>
/// Crashes, lost messages, lost leases and many instances at once: the retrain workflow ends every
/// piece of work exactly once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class RetrainRecoveryTests(AzuriteFixture azurite, RegistryFixture packages) : IClassFixture<RegistryFixture>, IAsyncLifetime
{
    private readonly IConfiguration _settings = TestSettings.For(azurite, ("Training:LeaseSeconds", 15));
    private PipelineInstance _app = null!;

    public Task InitializeAsync()
    {
        _app = PipelineInstance.Create(_settings);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private string File(byte[] content)
    {
        string path = Path.Combine(Path.GetTempPath(), $"sidc-{Guid.NewGuid():N}.csv");
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Stores the learnable synthetic file as the current data, and registers the good package trained from it under the production settings — as if a retrain had crashed right after registering.</summary>
    private async Task<(IngestResult Data, ModelVersion Version)> RegisteredButUndecidedAsync()
    {
        IngestResult data = await _app.Get<IngestService>().IngestAsync(File(LearnableData.Builder().BuildBytes()), CancellationToken.None);
        var registry = _app.Get<ModelRegistry>();
        await registry.EnsureCreatedAsync(CancellationToken.None);
        ModelVersion version = await registry.RegisterAsync(ModelKind.Sunspots.Name, packages.Good, _app.Get<TrainingRecipes>().Fingerprint(ModelKind.Sunspots.Name), CancellationToken.None);
        Assert.Equal(data.Sha256, version.DataSha256);
        return (data, version);
    }

    [Fact]
    public async Task A_redelivered_message_finishes_the_decision_that_a_crash_after_registering_left_undone()
    {
        (IngestResult data, ModelVersion version) = await RegisteredButUndecidedAsync();
        var message = new RetrainRequest(ModelKind.Sunspots.Name, data.BlobName, data.Sha256, "new-data", DateTimeOffset.UtcNow);

        RetrainResult result = await _app.Get<RetrainService>().RetrainAsync(message, progress: null, CancellationToken.None);

        Assert.Equal(RetrainOutcome.AlreadyDone, result.Outcome);
        Assert.True(result.Decision?.Promoted, result.Message);
        Assert.Equal(version.Version, (await _app.Get<ModelAliases>().GetChampionAsync(ModelKind.Sunspots.Name, CancellationToken.None))?.Version);
        Assert.Equal(ModelRegistry.StatusPromoted, (await _app.Get<ModelRegistry>().GetAsync(ModelKind.Sunspots.Name, version.Version, CancellationToken.None))!.Status);
        Assert.Single(await _app.Get<ModelRegistry>().ListAsync(ModelKind.Sunspots.Name, CancellationToken.None));
    }

    [Fact]
    public async Task When_the_message_was_lost_too_the_next_timer_run_queues_the_retrain_that_finishes_the_decision()
    {
        (IngestResult data, _) = await RegisteredButUndecidedAsync();

        DataRefresh refresh = await _app.Get<DataRefreshService>().RefreshAsync(File(LearnableData.Builder().BuildBytes()), CancellationToken.None);

        Assert.Equal(IngestOutcome.Unchanged, refresh.Ingest.Outcome);
        RetrainRequest queued = Assert.Single(await _app.WaitingMessagesAsync(), m => m.Model == ModelKind.Sunspots.Name);
        Assert.Equal(data.Sha256, queued.DataSha256);
    }

    [Fact]
    public async Task A_run_that_died_between_claiming_and_queueing_is_made_good_by_the_next_run_within_minutes()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using PipelineInstance app = PipelineInstance.Create(_settings, clock);
        string file = File(LearnableData.Builder().BuildBytes());
        IngestResult data = await app.Get<IngestService>().IngestAsync(file, CancellationToken.None);
        // The state such a run leaves: both retrains claimed, no message queued.
        Assert.Equal(2, (await app.Get<RetrainPlanner>().ClaimDueAsync(data.Latest, CancellationToken.None)).Count);

        await app.Get<DataRefreshService>().RefreshAsync(file, CancellationToken.None);
        Assert.Empty(await app.WaitingMessagesAsync()); // the claimer may still be about to queue

        clock.Advance(RetrainPlanner.EnqueueGrace + TimeSpan.FromMinutes(1));
        await app.Get<DataRefreshService>().RefreshAsync(file, CancellationToken.None);
        Assert.Equal([ModelKind.Cars.Name, ModelKind.Sunspots.Name], (await app.WaitingMessagesAsync()).Select(m => m.Model).Order());

        // Queued and confirmed, the claims hold: later runs queue nothing more.
        clock.Advance(RetrainPlanner.EnqueueGrace + TimeSpan.FromMinutes(1));
        await app.Get<DataRefreshService>().RefreshAsync(file, CancellationToken.None);
        Assert.Equal(2, (await app.WaitingMessagesAsync()).Count);
    }

    [Fact]
    public async Task Ten_instances_refreshing_at_once_before_the_first_retrain_queue_one_message_per_model()
    {
        string file = File(LearnableData.Builder().BuildBytes());
        PipelineInstance[] instances = Enumerable.Range(0, 10).Select(_ => PipelineInstance.Create(_settings)).ToArray();
        try
        {
            await Task.WhenAll(instances.Select(i => Task.Run(() => i.Get<DataRefreshService>().RefreshAsync(file, CancellationToken.None))));

            List<RetrainRequest> queued = await _app.WaitingMessagesAsync();
            Assert.Equal([ModelKind.Cars.Name, ModelKind.Sunspots.Name], queued.Select(m => m.Model).Order());

            // And the next day's run, the messages still waiting, queues nothing more.
            await _app.Get<DataRefreshService>().RefreshAsync(file, CancellationToken.None);
            Assert.Equal(2, (await _app.WaitingMessagesAsync()).Count);
        }
        finally
        {
            foreach (PipelineInstance instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_trainer_that_loses_its_lease_stops_and_registers_nothing()
    {
        // Default training on 29 synthetic years takes tens of seconds; the lease (15 s, renewed every
        // 5 s) is broken by "another instance" once training started.
        byte[] content = new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(10_592).BuildBytes();
        IngestResult data = await _app.Get<IngestService>().IngestAsync(File(content), CancellationToken.None);
        var message = new RetrainRequest(ModelKind.Sunspots.Name, data.BlobName, data.Sha256, "new-data", DateTimeOffset.UtcNow);
        BlobClient lockBlob = azurite.BlobServiceClient.GetBlobContainerClient(_app.Names.ModelsContainer).GetBlobClient("sunspots/trainer.lock");

        Task<RetrainResult> training = Task.Run(() => _app.Get<RetrainService>().RetrainAsync(message, progress: null, CancellationToken.None));
        while (!(await lockBlob.ExistsAsync()).Value || (await lockBlob.GetPropertiesAsync()).Value.LeaseState != LeaseState.Leased)
        {
            Assert.False(training.IsCompleted, "training ended before it took the lease");
            await Task.Delay(50);
        }

        await lockBlob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        RetrainResult result = await training;

        Assert.Equal(RetrainOutcome.LeaseLost, result.Outcome);
        Assert.NotNull(result.RetryAfter);
        Assert.Empty(await _app.Get<ModelRegistry>().ListAsync(ModelKind.Sunspots.Name, CancellationToken.None));
    }

    [Fact]
    public async Task The_timer_run_deletes_package_blobs_that_a_crash_left_without_a_row_once_they_are_a_day_old()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using PipelineInstance app = PipelineInstance.Create(_settings, clock);
        var registry = app.Get<ModelRegistry>();
        await registry.EnsureCreatedAsync(CancellationToken.None);
        await registry.RegisterAsync(ModelKind.Sunspots.Name, packages.Good, null, CancellationToken.None);
        await registry.RegisterAsync(ModelKind.Sunspots.Name, packages.Good, null, CancellationToken.None);
        // Version 2 as a crash before its row leaves it: the number allocated, the blobs written, no row.
        await azurite.TableServiceClient.GetTableClient(app.Names.ModelVersionsTable).DeleteEntityAsync(ModelKind.Sunspots.Name, "000002");
        BlobContainerClient models = azurite.BlobServiceClient.GetBlobContainerClient(app.Names.ModelsContainer);
        string file = File(LearnableData.Builder().BuildBytes());

        await app.Get<DataRefreshService>().RefreshAsync(file, CancellationToken.None);
        Assert.True(await models.GetBlobClient("sunspots/000002/weights.bin").ExistsAsync()); // young: may be a registration under way

        clock.Advance(TimeSpan.FromDays(2));
        await app.Get<DataRefreshService>().RefreshAsync(file, CancellationToken.None);

        Assert.False(await models.GetBlobClient("sunspots/000002/weights.bin").ExistsAsync());
        Assert.True(await models.GetBlobClient("sunspots/000001/weights.bin").ExistsAsync());
    }

    [Fact]
    public async Task Work_another_trainer_registered_while_this_one_trained_is_not_left_undecided()
    {
        byte[] content = new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(10_592).BuildBytes();
        IngestResult data = await _app.Get<IngestService>().IngestAsync(File(content), CancellationToken.None);
        var registry = _app.Get<ModelRegistry>();
        await registry.EnsureCreatedAsync(CancellationToken.None);
        string fingerprint = _app.Get<TrainingRecipes>().Fingerprint(ModelKind.Sunspots.Name);
        // At the first epoch, "another trainer" (one whose lease this one took over after it stalled)
        // registers the same work: a package of the same data under the same settings.
        PackageFiles good = PackageFiles.Read(packages.Good);
        var sameWork = new PackageFiles(
            System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(good.Manifest).Replace(packages.Data.Sha256, data.Sha256, StringComparison.Ordinal)), good.Weights);
        Task? other = null;
        var progress = new SynchronousProgress<SunspotForecaster.Models.Training.EpochProgress>(_ =>
            other ??= registry.RegisterAsync(ModelKind.Sunspots.Name, sameWork, fingerprint, CancellationToken.None));
        var message = new RetrainRequest(ModelKind.Sunspots.Name, data.BlobName, data.Sha256, "new-data", DateTimeOffset.UtcNow);

        RetrainResult result = await _app.Get<RetrainService>().RetrainAsync(message, progress, CancellationToken.None);

        Assert.NotNull(other);
        await other;
        Assert.Equal(RetrainOutcome.AlreadyDone, result.Outcome);
        Assert.Equal(1, result.Version?.Version);
        IReadOnlyList<ModelVersion> versions = await registry.ListAsync(ModelKind.Sunspots.Name, CancellationToken.None);
        ModelVersion duplicate = Assert.Single(versions, v => v.Version == 2);
        Assert.Equal(ModelRegistry.StatusRejected, duplicate.Status);
        Assert.Contains("version 1", duplicate.Reason, StringComparison.Ordinal);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
