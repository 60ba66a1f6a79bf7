using System.Security.Cryptography;
using Azure;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing;
using Xunit.Abstractions;

namespace SunspotForecaster.Core.Tests.Storage.Faults;

/// <summary>
/// Storage errors, crashes and Azurite's differences from Azure. The services under test get
/// clients whose pipelines carry a <see cref="FaultInjectionPolicy"/>; what they left behind is
/// then read with Azurite's clean clients. Every test prints its figures.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageFaultTests(AzuriteFixture azurite, RegistryFixture packages, ITestOutputHelper output) : IClassFixture<RegistryFixture>, IAsyncLifetime
{
    private const string Model = "sunspots";

    private static readonly SourceInfo Source = new("http://127.0.0.1/SILSO/INFO/sndtotcsv.php", "\"v1\"", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));

    private readonly StorageOptions _options = new()
    {
        RawContainer = UniqueNames.Container("faults-raw"),
        IngestRunsTable = UniqueNames.Table("faultruns"),
        ModelsContainer = UniqueNames.Container("faults-models"),
        ModelVersionsTable = UniqueNames.Table("faultversions"),
        ModelAliasesTable = UniqueNames.Table("faultaliases"),
    };

    private RawDataStore CleanStore => Store(azurite.BlobServiceClient, azurite.TableServiceClient);

    private ModelRegistry CleanRegistry => Registry(azurite.BlobServiceClient, azurite.TableServiceClient);

    private ModelAliases CleanAliases => new(azurite.TableServiceClient, Options.Create(_options), TimeProvider.System);

    private BlobContainerClient RawContainer => azurite.BlobServiceClient.GetBlobContainerClient(_options.RawContainer);

    private BlobContainerClient ModelsContainer => azurite.BlobServiceClient.GetBlobContainerClient(_options.ModelsContainer);

    public async Task InitializeAsync()
    {
        await CleanStore.EnsureCreatedAsync(CancellationToken.None);
        await CleanRegistry.EnsureCreatedAsync(CancellationToken.None);
        await CleanAliases.EnsureCreatedAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // ---------------------------------------------------------------- storage errors at random

    [Fact]
    public async Task Ingests_under_thirty_percent_storage_errors_leave_latest_pointing_at_a_complete_stored_file()
    {
        byte[] older = SidcFile(1000);
        byte[] newer = SidcFile(1031);
        byte[][] files = [older, newer, newer]; // an older file, a newer one, and the newer one again
        var policy = new FaultInjectionPolicy(seed: 20260201) { Rate = 0.3 };
        RawDataStore store = Store(policy, maxRetries: 2);
        int completed = 0, threw = 0, reportedUnchangedButMoved = 0, threwButMoved = 0;
        var outcomes = new Dictionary<string, int>();
        var errors = new Dictionary<string, int>();

        for (int i = 0; i < 20; i++)
        {
            byte[] file = files[i % files.Length];
            string? before = (await CleanStore.GetLatestAsync(CancellationToken.None))?.Pointer.Sha256;
            string sha = Sha256(file);
            try
            {
                IngestResult result = await store.SaveAsync(file, Source, CancellationToken.None);
                completed++;
                outcomes[result.Outcome.ToString()] = outcomes.GetValueOrDefault(result.Outcome.ToString()) + 1;
                Assert.Equal(sha, result.Sha256);
                Assert.Contains(result.Outcome, (IngestOutcome[])[IngestOutcome.Stored, IngestOutcome.Unchanged, IngestOutcome.Quarantined]);
                string? after = (await CleanStore.GetLatestAsync(CancellationToken.None))?.Pointer.Sha256;
                if (result.Outcome == IngestOutcome.Unchanged && before != sha && after == sha)
                {
                    reportedUnchangedButMoved++;
                }
            }
            catch (Exception e) when (e is RequestFailedException or IOException or AggregateException or InvalidOperationException)
            {
                threw++;
                string key = e is RequestFailedException r ? $"RequestFailedException {r.Status}" : e.GetType().Name;
                errors[key] = errors.GetValueOrDefault(key) + 1;
                if ((await CleanStore.GetLatestAsync(CancellationToken.None))?.Pointer.Sha256 is { } after && after != before)
                {
                    threwButMoved++;
                }
            }
        }

        (LatestPointer pointer, _) = (await CleanStore.GetLatestAsync(CancellationToken.None))
            ?? throw new Xunit.Sdk.XunitException("No ingest made any file current.");
        byte[] current = (await RawContainer.GetBlobClient(pointer.BlobName).DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(pointer.Sha256, Sha256(current));
        Assert.Equal(pointer.Bytes, current.Length);
        Assert.True(current.AsSpan().SequenceEqual(older) || current.AsSpan().SequenceEqual(newer), "latest.json points at neither file.");
        // latest.json only moves forward: once the newer file was current it stays current.
        Assert.Equal(Sha256(newer), pointer.Sha256);
        List<string> stored = await BlobNames(RawContainer, RawDataStore.FilesPrefix);
        Assert.Subset(new HashSet<string>([StoredName(older), StoredName(newer)]), stored.ToHashSet());
        foreach (string name in stored)
        {
            byte[] content = (await RawContainer.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
            Assert.EndsWith($"_{Sha256(content)}.csv", name);
        }

        int runs = (await CleanStore.GetRecentRunsAsync(1000, CancellationToken.None)).Count;
        Assert.True(runs >= completed, $"{completed} ingests returned but only {runs} attempts are recorded.");
        output.WriteLine($"Raw data store, 20 ingests, 30% faults, 2 SDK retries: {policy.Summary()}.");
        output.WriteLine($"  completed {completed} ({Figures(outcomes)}), threw {threw} ({Figures(errors)}).");
        output.WriteLine($"  reported Unchanged although this very call made the file current: {reportedUnchangedButMoved}; threw although the pointer moved: {threwButMoved}.");
        output.WriteLine($"  data blobs {stored.Count}, ingest runs recorded {runs}; latest.json -> {pointer.BlobName} (SHA-256 verified).");
    }

    [Fact]
    public async Task Registrations_under_thirty_percent_storage_errors_lose_no_returned_version_and_list_only_complete_packages()
    {
        var policy = new FaultInjectionPolicy(seed: 558) { Rate = 0.3 };
        ModelRegistry registry = Registry(policy, maxRetries: 2);
        var returned = new List<ModelVersion>();
        var failures = new Dictionary<string, int>();

        for (int i = 0; i < 20; i++)
        {
            try
            {
                returned.Add(await registry.RegisterAsync(Model, packages.Good, null, CancellationToken.None));
            }
            catch (Exception e) when (e is RequestFailedException or IOException or AggregateException or InvalidOperationException)
            {
                string key = e is RequestFailedException r ? $"RequestFailedException {r.Status}" : e.GetType().Name;
                failures[key] = failures.GetValueOrDefault(key) + 1;
            }
        }

        IReadOnlyList<ModelVersion> listed = await CleanRegistry.ListAsync(Model, CancellationToken.None);
        Assert.Equal(listed.Count, listed.Select(v => v.Version).Distinct().Count());
        Assert.Equal(returned.Count, returned.Select(v => v.Version).Distinct().Count());
        foreach (ModelVersion version in returned)
        {
            ModelVersion row = Assert.Single(listed, v => v.Version == version.Version);
            Assert.Equal(version.WeightsSha256, row.WeightsSha256);
            Assert.Equal(version.ManifestSha256, row.ManifestSha256);
        }

        using var temp = new TemporaryDirectory();
        foreach (ModelVersion version in listed)
        {
            await CleanRegistry.DownloadAsync(Model, version.Version, CancellationToken.None);
        }

        int highest = listed.Count == 0 ? 0 : listed.Max(v => v.Version);
        int orphans = await CleanRegistry.DeleteOrphansAsync(Model, TimeSpan.Zero, CancellationToken.None);
        List<string> left = await BlobNames(ModelsContainer, Model + "/");
        Assert.All(left, name => Assert.Contains(listed, v => name.StartsWith(ModelRegistry.Prefix(Model, v.Version), StringComparison.Ordinal)));
        ModelVersion next = await CleanRegistry.RegisterAsync(Model, packages.Good, null, CancellationToken.None);
        Assert.True(next.Version > highest, $"A clean registration after the faults got version {next.Version}, not above {highest}.");

        int threw = 20 - returned.Count;
        output.WriteLine($"Model registry, 20 registrations, 30% faults, 2 SDK retries: {policy.Summary()}.");
        output.WriteLine($"  returned {returned.Count}, threw {threw} ({Figures(failures)}).");
        output.WriteLine($"  listed afterwards {listed.Count} (all downloaded intact), of which registered although RegisterAsync threw: {listed.Count - returned.Count}.");
        output.WriteLine($"  version numbers used {string.Join(",", listed.Select(v => v.Version))}; numbers skipped below {highest}: {highest - listed.Count}; orphan blobs deleted {orphans}; next clean registration got {next.Version}.");
    }

    // ---------------------------------------------------------------- crash points

    [Theory]
    [InlineData("PUT", "RowKey='counter'", FaultTiming.AfterSend, "counter updated", false, 0)]
    [InlineData("PUT", "/weights.bin", FaultTiming.AfterSend, "weights uploaded", false, 1)]
    [InlineData("PUT", "/manifest.json", FaultTiming.AfterSend, "manifest uploaded", false, 2)]
    [InlineData("POST", "{versions}", FaultTiming.BeforeSend, "row not yet sent", false, 2)]
    [InlineData("POST", "{versions}", FaultTiming.AfterSend, "row written", true, 0)]
    public async Task A_crash_at_each_step_of_a_registration_leaves_only_complete_versions_listed(
        string method, string pathFragment, FaultTiming timing, string point, bool registered, int orphanBlobs)
    {
        await CleanRegistry.RegisterAsync(Model, packages.Good, null, CancellationToken.None); // version 1, and the counter row exists
        var policy = new FaultInjectionPolicy(seed: 1);
        policy.Schedule(method, pathFragment.Replace("{versions}", _options.ModelVersionsTable, StringComparison.Ordinal), Fault.Crash, timing);

        await Assert.ThrowsAsync<CrashException>(() => Registry(policy, maxRetries: 5).RegisterAsync(Model, packages.OtherGood, null, CancellationToken.None));

        Assert.Equal(1, policy.Crashes);
        IReadOnlyList<ModelVersion> listed = await CleanRegistry.ListAsync(Model, CancellationToken.None);
        Assert.Equal(registered ? [1, 2] : [1], listed.Select(v => v.Version));
        using var temp = new TemporaryDirectory();
        foreach (ModelVersion version in listed)
        {
            await CleanRegistry.DownloadAsync(Model, version.Version, CancellationToken.None);
        }

        ModelVersion next = await CleanRegistry.RegisterAsync(Model, packages.OtherGood, null, CancellationToken.None);
        Assert.Equal(3, next.Version);
        await CleanRegistry.DownloadAsync(Model, 3, CancellationToken.None);
        int deleted = await CleanRegistry.DeleteOrphansAsync(Model, TimeSpan.Zero, CancellationToken.None);
        Assert.Equal(orphanBlobs, deleted);
        List<string> left = await BlobNames(ModelsContainer, Model + "/");
        Assert.Equal(registered ? 2 : 0, left.Count(name => name.StartsWith(ModelRegistry.Prefix(Model, 2), StringComparison.Ordinal)));
        Assert.Equal(6, left.Count + (registered ? 0 : 2)); // weights and manifest of each listed version, nothing else
        output.WriteLine($"Crash with {point} ({method} {pathFragment}, {timing}): listed {string.Join(",", listed.Select(v => v.Version))}, next registration got {next.Version}, orphan blobs deleted {deleted}.");
    }

    [Theory]
    [InlineData(false, FaultTiming.BeforeSend, 1)]
    [InlineData(false, FaultTiming.AfterSend, 2)]
    [InlineData(true, FaultTiming.BeforeSend, 1)]
    [InlineData(true, FaultTiming.AfterSend, 2)]
    public async Task A_crash_around_the_champion_update_leaves_the_old_or_the_new_champion_and_both_download(bool consider, FaultTiming timing, int expectedChampion)
    {
        await CleanRegistry.RegisterAsync(Model, packages.Weak, null, CancellationToken.None);
        await CleanRegistry.RegisterAsync(Model, packages.Good, null, CancellationToken.None);
        await Promotion(CleanRegistry, CleanAliases).PromoteAsync(Model, 1, "first", CancellationToken.None);
        var policy = new FaultInjectionPolicy(seed: 2);
        policy.Schedule("PUT", $"{_options.ModelAliasesTable}(PartitionKey='{Model}',RowKey='{ModelAliases.ChampionRowKey}')", Fault.Crash, timing);
        (BlobServiceClient blobs, TableServiceClient tables) = Clients(policy, maxRetries: 5);
        PromotionService faulty = Promotion(Registry(blobs, tables), new ModelAliases(tables, Options.Create(_options), TimeProvider.System));

        await Assert.ThrowsAsync<CrashException>(() => consider
            ? faulty.ConsiderAsync(Model, 2, packages.Data, CancellationToken.None)
            : faulty.PromoteAsync(Model, 2, "manual", CancellationToken.None));

        Assert.Equal(1, policy.Crashes);
        Champion champion = (await CleanAliases.GetChampionAsync(Model, CancellationToken.None))!;
        Assert.Equal(expectedChampion, champion.Version);
        using var temp = new TemporaryDirectory();
        await CleanRegistry.DownloadAsync(Model, champion.Version, CancellationToken.None);

        // Running the step again (the queue message comes back) finishes the job.
        bool promoted = consider
            ? (await Promotion(CleanRegistry, CleanAliases).ConsiderAsync(Model, 2, packages.Data, CancellationToken.None)).Promoted
            : (await Promotion(CleanRegistry, CleanAliases).PromoteAsync(Model, 2, "manual", CancellationToken.None)).Version == 2;
        Assert.True(promoted);
        Assert.Equal(2, (await CleanAliases.GetChampionAsync(Model, CancellationToken.None))!.Version);
        string status = (await CleanRegistry.GetAsync(Model, 2, CancellationToken.None))!.Status;
        output.WriteLine($"Crash {(consider ? "ConsiderAsync" : "PromoteAsync")} {timing} the alias update: champion {champion.Version} (downloads intact); after running again: champion 2, version 2's row status \"{status}\".");
    }

    // ---------------------------------------------------------------- faults the server applied: targeted

    [Fact]
    public async Task A_version_row_the_server_wrote_while_the_client_saw_a_500_still_registers()
    {
        await CleanRegistry.RegisterAsync(Model, packages.Good, null, CancellationToken.None);
        var policy = new FaultInjectionPolicy(seed: 3);
        policy.Schedule("POST", _options.ModelVersionsTable, Fault.InternalError500, FaultTiming.AfterSend);

        ModelVersion registered = await Registry(policy, maxRetries: 5).RegisterAsync(Model, packages.OtherGood, null, CancellationToken.None);

        Assert.Equal(1, policy.InjectedAfterSend);
        Assert.Equal(2, registered.Version);
        Assert.Equal([1, 2], (await CleanRegistry.ListAsync(Model, CancellationToken.None)).Select(v => v.Version));
    }

    [Fact]
    public async Task A_package_upload_the_server_applied_while_the_client_saw_a_500_still_registers()
    {
        var policy = new FaultInjectionPolicy(seed: 4);
        policy.Schedule("PUT", "/weights.bin", Fault.InternalError500, FaultTiming.AfterSend);
        policy.Schedule("PUT", "/manifest.json", Fault.IOException, FaultTiming.AfterSend);
        policy.Schedule("PUT", "RowKey='counter'", Fault.ServerBusy503, FaultTiming.AfterSend);

        ModelVersion first = await Registry(policy, maxRetries: 5).RegisterAsync(Model, packages.Good, null, CancellationToken.None);
        ModelVersion second = await Registry(policy, maxRetries: 5).RegisterAsync(Model, packages.Good, null, CancellationToken.None);

        Assert.Equal(3, policy.InjectedAfterSend);
        Assert.Equal(0, policy.Pending);
        // The counter update the server applied is retried with the old ETag (412): one number is skipped, none reused.
        Assert.Equal(1, first.Version);
        Assert.Equal(3, second.Version);
        Assert.Equal([1, 3], (await CleanRegistry.ListAsync(Model, CancellationToken.None)).Select(v => v.Version));
        using var temp = new TemporaryDirectory();
        await CleanRegistry.DownloadAsync(Model, 1, CancellationToken.None);
        await CleanRegistry.DownloadAsync(Model, 3, CancellationToken.None);
        output.WriteLine($"Create-only uploads and the counter update applied but reported failed: {policy.Summary()}; versions {first.Version} and {second.Version}, both intact.");
    }

    [Fact]
    public async Task A_pointer_write_the_server_applied_while_the_client_saw_a_500_is_reported_as_stored()
    {
        await CleanStore.SaveAsync(SidcFile(1000), Source, CancellationToken.None);
        var policy = new FaultInjectionPolicy(seed: 5);
        policy.Schedule("PUT", "/" + RawDataStore.LatestBlobName, Fault.InternalError500, FaultTiming.AfterSend);

        IngestResult result = await Store(policy, maxRetries: 5).SaveAsync(SidcFile(1031), Source, CancellationToken.None);

        Assert.Equal(1, policy.InjectedAfterSend);
        Assert.Equal(Sha256(SidcFile(1031)), (await CleanStore.GetLatestAsync(CancellationToken.None))!.Value.Pointer.Sha256);
        Assert.Equal(IngestOutcome.Stored, result.Outcome);
        Assert.True(result.Changed);
    }

    [Fact]
    public async Task An_ingest_record_the_server_wrote_while_the_client_saw_a_500_does_not_fail_the_ingest()
    {
        var policy = new FaultInjectionPolicy(seed: 6);
        policy.Schedule("POST", _options.IngestRunsTable, Fault.InternalError500, FaultTiming.AfterSend);

        IngestResult result = await Store(policy, maxRetries: 5).SaveAsync(SidcFile(1000), Source, CancellationToken.None);

        Assert.Equal(1, policy.InjectedAfterSend);
        Assert.Equal(IngestOutcome.Stored, result.Outcome);
        Assert.Single(await CleanStore.GetRecentRunsAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task An_ingest_that_fails_on_repeated_connection_errors_is_recorded_as_failed()
    {
        IngestResult current = await CleanStore.SaveAsync(SidcFile(1000), Source, CancellationToken.None);
        var policy = new FaultInjectionPolicy(seed: 9)
        {
            Rate = 1,
            AfterSendShare = 0,
            Eligible = r => r.Method == RequestMethod.Get && r.Uri.ToUri().AbsolutePath.Contains(_options.RawContainer, StringComparison.Ordinal),
        };
        policy.Schedule("GET", _options.RawContainer, Fault.IOException, FaultTiming.BeforeSend);
        policy.Schedule("GET", _options.RawContainer, Fault.IOException, FaultTiming.BeforeSend);
        policy.Schedule("GET", _options.RawContainer, Fault.IOException, FaultTiming.BeforeSend);

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => Store(policy, maxRetries: 2).SaveAsync(SidcFile(1031), Source, CancellationToken.None));

        output.WriteLine($"Three connection resets on reading latest.json: {policy.Summary()}; SaveAsync threw {error.GetType().Name}.");
        Assert.Equal(current.BlobName, (await CleanStore.GetLatestAsync(CancellationToken.None))!.Value.Pointer.BlobName);
        Assert.Equal(["Failed", "Stored"], (await CleanStore.GetRecentRunsAsync(10, CancellationToken.None)).Select(r => r.Outcome));
    }

    [Fact]
    public async Task A_data_upload_the_server_applied_while_the_client_saw_a_500_is_stored_once_and_made_current()
    {
        var policy = new FaultInjectionPolicy(seed: 7);
        policy.Schedule("PUT", RawDataStore.FilesPrefix, Fault.InternalError500, FaultTiming.AfterSend);

        IngestResult result = await Store(policy, maxRetries: 5).SaveAsync(SidcFile(1000), Source, CancellationToken.None);

        Assert.Equal(1, policy.InjectedAfterSend);
        Assert.Equal(IngestOutcome.Stored, result.Outcome);
        Assert.Equal(result.BlobName, (await CleanStore.GetLatestAsync(CancellationToken.None))!.Value.Pointer.BlobName);
        Assert.Single(await BlobNames(RawContainer, RawDataStore.FilesPrefix));
    }

    [Fact]
    public async Task An_ingest_that_keeps_losing_its_connection_throws_and_leaves_the_pointer_where_it_was()
    {
        IngestResult current = await CleanStore.SaveAsync(SidcFile(1000), Source, CancellationToken.None);
        var policy = new FaultInjectionPolicy(seed: 8) { Rate = 1, AfterSendShare = 0, Eligible = r => r.Method == RequestMethod.Put };

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => Store(policy, maxRetries: 2).SaveAsync(SidcFile(1031), Source, CancellationToken.None));

        Assert.Equal(current.BlobName, (await CleanStore.GetLatestAsync(CancellationToken.None))!.Value.Pointer.BlobName);
        Assert.Equal([current.BlobName!], await BlobNames(RawContainer, RawDataStore.FilesPrefix));
        output.WriteLine($"Every PUT failing before it was sent: {policy.Summary()}; SaveAsync threw {error.GetType().Name}: {error.Message.Split('\n')[0]}");
    }

    [Fact]
    public async Task A_promotion_whose_alias_update_the_server_applied_while_the_client_saw_a_500_marks_the_version_promoted()
    {
        await CleanRegistry.RegisterAsync(Model, packages.Weak, null, CancellationToken.None);
        await CleanRegistry.RegisterAsync(Model, packages.Good, null, CancellationToken.None);
        await Promotion(CleanRegistry, CleanAliases).PromoteAsync(Model, 1, "first", CancellationToken.None);
        var policy = new FaultInjectionPolicy(seed: 10);
        policy.Schedule("PUT", $"{_options.ModelAliasesTable}(PartitionKey='{Model}',RowKey='{ModelAliases.ChampionRowKey}')", Fault.InternalError500, FaultTiming.AfterSend);
        (BlobServiceClient blobs, TableServiceClient tables) = Clients(policy, maxRetries: 5);

        PromotionDecision decision = await Promotion(Registry(blobs, tables), new ModelAliases(tables, Options.Create(_options), TimeProvider.System))
            .ConsiderAsync(Model, 2, packages.Data, CancellationToken.None);

        Assert.Equal(1, policy.InjectedAfterSend);
        Assert.True(decision.Promoted, decision.Reason);
        Assert.Equal(2, (await CleanAliases.GetChampionAsync(Model, CancellationToken.None))!.Version);
        Assert.Equal(ModelRegistry.StatusPromoted, (await CleanRegistry.GetAsync(Model, 2, CancellationToken.None))!.Status);
        Assert.StartsWith("better", decision.Reason, StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------- Azurite's differences from Azure

    [Fact]
    public async Task Azurite_answers_a_conditional_read_of_a_missing_blob_with_412_where_Azure_answers_404_and_both_read_as_missing()
    {
        BlobClient missing = RawContainer.GetBlobClient("no-such-blob.json");

        var plain = await Assert.ThrowsAsync<RequestFailedException>(() => missing.DownloadContentAsync());
        var conditional = await Assert.ThrowsAsync<RequestFailedException>(() => missing.DownloadContentAsync(
            new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag("\"0x8DC0000000000000\"") } }));

        Assert.Equal(404, plain.Status);
        Assert.Equal(412, conditional.Status); // Azure answers 404 BlobNotFound here.
        Assert.Null(await CleanStore.GetLatestAsync(CancellationToken.None));
        output.WriteLine($"Azurite {azurite.Server.Version}: GET of a missing blob {plain.Status} {plain.ErrorCode}; with If-Match {conditional.Status} {conditional.ErrorCode}.");
    }

    [Theory]
    [InlineData("manifest.json")]
    [InlineData("weights.bin")]
    public async Task A_registered_version_whose_blob_was_deleted_fails_to_download_as_an_incomplete_package(string file)
    {
        await CleanRegistry.RegisterAsync(Model, packages.Good, null, CancellationToken.None);
        await ModelsContainer.DeleteBlobAsync(ModelRegistry.Prefix(Model, 1) + file);
        using var temp = new TemporaryDirectory();

        var error = await Assert.ThrowsAsync<ModelPackageException>(() => CleanRegistry.DownloadAsync(Model, 1, CancellationToken.None));

        Assert.Contains($"{file} is missing", error.Message);
        Assert.IsType<RequestFailedException>(error.InnerException);
        output.WriteLine($"Deleted {file}: {error.Message} (Azurite answered {((RequestFailedException)error.InnerException!).Status}).");
    }

    [Theory]
    [InlineData(TableTransactionActionType.UpdateReplace)]
    [InlineData(TableTransactionActionType.UpdateMerge)]
    [InlineData(TableTransactionActionType.Delete)]
    public async Task Azurite_refuses_a_table_batch_action_with_a_stale_ETag_as_a_single_update(TableTransactionActionType action)
    {
        TableClient table = azurite.TableServiceClient.GetTableClient(UniqueNames.Table("faultbatch"));
        await table.CreateAsync();
        ETag stale = (await table.AddEntityAsync(new TableEntity("p", "counter") { ["Last"] = 1 })).Headers.ETag!.Value;
        await table.UpdateEntityAsync(new TableEntity("p", "counter") { ["Last"] = 2 }, stale, TableUpdateMode.Replace);

        var single = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(new TableEntity("p", "counter") { ["Last"] = 99 }, stale, TableUpdateMode.Replace));
        int? batchStatus = null;
        string outcome;
        try
        {
            Response<IReadOnlyList<Response>> batch = await table.SubmitTransactionAsync([new TableTransactionAction(action, new TableEntity("p", "counter") { ["Last"] = 3 }, stale)]);
            batchStatus = batch.Value[0].Status;
            outcome = "applied";
        }
        catch (TableTransactionFailedException e)
        {
            batchStatus = e.Status;
            outcome = $"refused ({e.ErrorCode})";
        }

        NullableResponse<TableEntity> row = await table.GetEntityIfExistsAsync<TableEntity>("p", "counter");
        output.WriteLine($"Azurite {azurite.Server.Version}: single update with a stale ETag {single.Status} {single.ErrorCode}; {action} in a batch with the same stale ETag: {batchStatus} {outcome}; row now {(row.HasValue ? $"Last={row.Value!.GetInt32("Last")}" : "deleted")}.");
        Assert.Equal(412, single.Status);
        Assert.Equal(412, batchStatus);
        Assert.Equal(2, row.Value!.GetInt32("Last"));
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] SidcFile(int days) =>
        new SidcCsvBuilder().StartingOn(new DateOnly(2000, 1, 1)).WithDays(days).WithProvisionalFrom(new DateOnly(2000, 1, 1).AddDays(days - 60)).BuildBytes();

    private static string StoredName(byte[] file)
    {
        SunspotForecaster.Models.Data.SidcFile parsed = SunspotForecaster.Models.Data.SidcSource.FromBytes(file, "test.csv");
        return $"{RawDataStore.FilesPrefix}{parsed.Series.LastDate:yyyy-MM-dd}_{parsed.Sha256}.csv";
    }

    private static string Figures(Dictionary<string, int> counts) => string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static async Task<List<string>> BlobNames(BlobContainerClient container, string prefix)
    {
        var names = new List<string>();
        await foreach (BlobItem blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private (BlobServiceClient Blobs, TableServiceClient Tables) Clients(FaultInjectionPolicy policy, int maxRetries)
    {
        var blobOptions = Quick(new BlobClientOptions(), maxRetries);
        blobOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        var tableOptions = Quick(new TableClientOptions(), maxRetries);
        tableOptions.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return (new BlobServiceClient(azurite.ConnectionString, blobOptions), new TableServiceClient(azurite.ConnectionString, tableOptions));
    }

    private static T Quick<T>(T options, int maxRetries)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.Retry.MaxDelay = TimeSpan.FromMilliseconds(100);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options;
    }

    private RawDataStore Store(FaultInjectionPolicy policy, int maxRetries)
    {
        (BlobServiceClient blobs, TableServiceClient tables) = Clients(policy, maxRetries);
        return Store(blobs, tables);
    }

    private RawDataStore Store(BlobServiceClient blobs, TableServiceClient tables) =>
        new(blobs, new IngestHistory(tables, Options.Create(_options), TimeProvider.System), Options.Create(_options), TimeProvider.System, NullLogger<RawDataStore>.Instance);

    private ModelRegistry Registry(FaultInjectionPolicy policy, int maxRetries)
    {
        (BlobServiceClient blobs, TableServiceClient tables) = Clients(policy, maxRetries);
        return Registry(blobs, tables);
    }

    private ModelRegistry Registry(BlobServiceClient blobs, TableServiceClient tables) =>
        new(blobs, tables, Options.Create(_options), TimeProvider.System, NullLogger<ModelRegistry>.Instance);

    private static PromotionService Promotion(ModelRegistry registry, ModelAliases aliases) =>
        new(registry, aliases, Options.Create(new PromotionOptions()), NullLogger<PromotionService>.Instance);
}
