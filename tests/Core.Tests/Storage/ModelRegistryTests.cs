using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Core.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public class ModelRegistryTests(AzuriteFixture azurite, RegistryFixture packages) : IClassFixture<RegistryFixture>, IAsyncLifetime
{
    private readonly StorageOptions _options = new()
    {
        ModelsContainer = UniqueNames.Container("models"),
        ModelVersionsTable = UniqueNames.Table("versions"),
        ModelAliasesTable = UniqueNames.Table("aliases"),
    };

    private ModelRegistry Registry => new(azurite.BlobServiceClient, azurite.TableServiceClient, Options.Create(_options), TimeProvider.System, NullLogger<ModelRegistry>.Instance);

    private ModelAliases Aliases => new(azurite.TableServiceClient, Options.Create(_options), TimeProvider.System);

    private PromotionService Promotion => new(Registry, Aliases, Options.Create(new PromotionOptions()), NullLogger<PromotionService>.Instance);

    private BlobContainerClient Container => azurite.BlobServiceClient.GetBlobContainerClient(_options.ModelsContainer);

    public async Task InitializeAsync()
    {
        await Registry.EnsureCreatedAsync(CancellationToken.None);
        await Aliases.EnsureCreatedAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_registered_version_has_its_package_its_row_and_downloads_intact()
    {
        ModelVersion registered = await Registry.RegisterAsync("sunspots", packages.Good, "settings-1", CancellationToken.None);

        Assert.Equal(1, registered.Version);
        Assert.Equal(packages.Data.Sha256, registered.DataSha256);
        Assert.True(await Container.GetBlobClient("sunspots/000001/weights.bin").ExistsAsync());
        Assert.True(await Container.GetBlobClient("sunspots/000001/manifest.json").ExistsAsync());
        Assert.Equal([1], (await Registry.ListAsync("sunspots", CancellationToken.None)).Select(v => v.Version));

        (ModelVersion _, PackageFiles files) = await Registry.DownloadAsync("sunspots", 1, CancellationToken.None);
        (var model, ModelManifest manifest) = ForecasterPackage.Load(files, "version 1");
        model.Dispose();
        Assert.Equal(registered.TestRmse, manifest.Forecaster!.Metrics.Test.Rmse);
        Assert.Equal(registered, await Registry.FindTrainedAsync("sunspots", packages.Data.Sha256, "settings-1", CancellationToken.None));
        Assert.Null(await Registry.FindTrainedAsync("sunspots", packages.Data.Sha256, "settings-2", CancellationToken.None));
    }

    [Fact]
    public async Task Twenty_registrations_at_once_get_twenty_distinct_versions()
    {
        ModelVersion[] registered = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None)));

        Assert.Equal(Enumerable.Range(1, 20), registered.Select(r => r.Version).Order());
        Assert.Equal(20, (await Registry.ListAsync("sunspots", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task A_package_without_a_row_is_ignored_and_cleaned_up()
    {
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        // Version 2 as a crash before its row leaves it: its number allocated, its blobs written, no row.
        await azurite.TableServiceClient.GetTableClient(_options.ModelVersionsTable).DeleteEntityAsync("sunspots", "000002");

        Assert.Single(await Registry.ListAsync("sunspots", CancellationToken.None));
        Assert.Null(await Registry.GetAsync("sunspots", 2, CancellationToken.None));
        Assert.Equal(2, await Registry.DeleteOrphansAsync("sunspots", TimeSpan.Zero, CancellationToken.None));
        Assert.False(await Container.GetBlobClient("sunspots/000002/weights.bin").ExistsAsync());
        Assert.True(await Container.GetBlobClient("sunspots/000001/weights.bin").ExistsAsync());
    }

    [Fact]
    public async Task The_collector_deletes_nothing_it_cannot_prove_is_orphaned()
    {
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        await Container.GetBlobClient("sunspots/000009/weights.bin").UploadAsync(new BinaryData([1, 2, 3]));
        List<string> before = await BlobNamesAsync();

        // A number the counter never handed out is not this registry's to judge.
        Assert.Equal(0, await Registry.DeleteOrphansAsync("sunspots", TimeSpan.Zero, CancellationToken.None));

        // The versions table renamed (or recreated empty): every package looks unregistered, and none is deleted.
        var renamed = new ModelRegistry(azurite.BlobServiceClient, azurite.TableServiceClient,
            Options.Create(new StorageOptions { ModelsContainer = _options.ModelsContainer, ModelVersionsTable = UniqueNames.Table("renamed"), ModelAliasesTable = _options.ModelAliasesTable }),
            TimeProvider.System, NullLogger<ModelRegistry>.Instance);
        await renamed.EnsureCreatedAsync(CancellationToken.None);
        Assert.Empty(await renamed.ListAsync("sunspots", CancellationToken.None));
        Assert.Equal(0, await renamed.DeleteOrphansAsync("sunspots", TimeSpan.Zero, CancellationToken.None));

        Assert.Equal(before, await BlobNamesAsync());
        Assert.Equal(5, before.Count);
    }

    private async Task<List<string>> BlobNamesAsync()
    {
        var names = new List<string>();
        await foreach (Azure.Storage.Blobs.Models.BlobItem blob in Container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "sunspots/", CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    [Fact]
    public async Task A_row_whose_package_is_incomplete_is_never_served_or_promoted()
    {
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        await Container.DeleteBlobAsync("sunspots/000001/weights.bin");
        using var temp = new TemporaryDirectory();

        var missing = await Assert.ThrowsAsync<ModelPackageException>(() => Registry.DownloadAsync("sunspots", 1, CancellationToken.None));
        Assert.Contains("missing", missing.Message);
        await Assert.ThrowsAsync<ModelPackageException>(() => Promotion.PromoteAsync("sunspots", 1, "manual", CancellationToken.None));
        Assert.Null(await Aliases.GetChampionAsync("sunspots", CancellationToken.None));
    }

    [Fact]
    public async Task A_changed_package_blob_is_refused()
    {
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        await Container.GetBlobClient("sunspots/000001/manifest.json").UploadAsync(new BinaryData("{}"u8.ToArray()), overwrite: true);
        using var temp = new TemporaryDirectory();

        var changed = await Assert.ThrowsAsync<ModelPackageException>(() => Registry.DownloadAsync("sunspots", 1, CancellationToken.None));
        Assert.Contains("does not match the SHA-256", changed.Message);
    }

    [Fact]
    public async Task The_first_version_that_beats_persistence_becomes_champion_and_a_weaker_one_is_rejected_with_both_figures()
    {
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        await Registry.RegisterAsync("sunspots", packages.Weak, null, CancellationToken.None);

        PromotionDecision first = await Promotion.ConsiderAsync("sunspots", 1, packages.Data, CancellationToken.None);
        PromotionDecision second = await Promotion.ConsiderAsync("sunspots", 2, packages.Data, CancellationToken.None);

        Assert.True(first.Promoted, first.Reason);
        Assert.True(first.CandidateScore < first.PersistenceRmse);
        Assert.False(second.Promoted, second.Reason);
        Assert.Equal(1, second.PreviousChampion);
        Assert.True(second.CandidateScore >= second.ChampionScore!.Value);
        Assert.Contains("against the champion's", second.Reason);
        Assert.Equal(1, (await Aliases.GetChampionAsync("sunspots", CancellationToken.None))!.Version);
        ModelVersion rejected = (await Registry.GetAsync("sunspots", 2, CancellationToken.None))!;
        Assert.Equal(ModelRegistry.StatusRejected, rejected.Status);
        Assert.Equal(second.Reason, rejected.Reason);
    }

    [Fact]
    public async Task A_manual_promotion_makes_any_complete_version_champion_for_a_rollback()
    {
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        await Registry.RegisterAsync("sunspots", packages.Weak, null, CancellationToken.None);
        await Promotion.ConsiderAsync("sunspots", 1, packages.Data, CancellationToken.None);

        Champion champion = await Promotion.PromoteAsync("sunspots", 2, "manual rollback", CancellationToken.None);

        Assert.Equal(2, champion.Version);
        Assert.Equal("manual rollback", champion.Reason);
    }

    [Fact]
    public async Task Of_two_alias_changes_from_the_same_state_exactly_one_wins_a_hundred_times_over()
    {
        for (int round = 0; round < 100; round++)
        {
            Champion? read = await Aliases.GetChampionAsync("cars", CancellationToken.None);

            bool[] wins = await Task.WhenAll(
                Aliases.TrySetChampionAsync("cars", 2 * round + 1, "a", read, CancellationToken.None),
                Aliases.TrySetChampionAsync("cars", 2 * round + 2, "b", read, CancellationToken.None));

            Assert.Single(wins, won => won);
        }
    }

    [Fact]
    public async Task Promotions_racing_end_with_the_best_version_as_champion()
    {
        foreach (string package in new[] { packages.Weak, packages.Good, packages.OtherGood })
        {
            await Registry.RegisterAsync("sunspots", package, null, CancellationToken.None);
        }

        PromotionDecision[] decisions = await Task.WhenAll(Enumerable.Range(1, 3).Select(v => Promotion.ConsiderAsync("sunspots", v, packages.Data, CancellationToken.None)));

        int best = decisions.Where(d => d.CandidateScore < d.PersistenceRmse).MinBy(d => d.CandidateScore)!.Version;
        Assert.Equal(best, (await Aliases.GetChampionAsync("sunspots", CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task A_champion_that_cannot_be_loaded_does_not_block_promotion_and_leaks_no_model()
    {
        await Registry.RegisterAsync("sunspots", packages.Weak, null, CancellationToken.None);
        await Promotion.PromoteAsync("sunspots", 1, "first", CancellationToken.None);
        await Container.DeleteBlobAsync("sunspots/000001/weights.bin");
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        // TorchSharp's own count of live tensors: building a network leaves a few of its
        // construction temporaries counted even after the model is disposed; measure that residue
        // for one load, then allow exactly one load's residue and not a live model more.
        long before = TorchSharp.torch.Tensor.TotalCount;
        ForecasterPackage.Load(packages.Good).Model.Dispose();
        long oneLoadResidue = TorchSharp.torch.Tensor.TotalCount - before;
        before = TorchSharp.torch.Tensor.TotalCount;

        PromotionDecision decision = await Promotion.ConsiderAsync("sunspots", 2, packages.Data, CancellationToken.None);

        Assert.True(decision.Promoted, decision.Reason);
        Assert.Contains("the champion, version 1, cannot be loaded and is replaced", decision.Reason);
        Assert.Equal(2, (await Aliases.GetChampionAsync("sunspots", CancellationToken.None))!.Version);
        Assert.Equal(oneLoadResidue, TorchSharp.torch.Tensor.TotalCount - before);
    }

    [Fact]
    public async Task A_manual_promotion_refuses_a_package_that_matches_its_checksums_but_does_not_load()
    {
        // The manifest describes a network of another size than the weights hold; both files are
        // registered with their SHA-256, so only loading tells.
        PackageFiles good = PackageFiles.Read(packages.Good);
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(good.Manifest)!;
        manifest["forecaster"]!["hiddenSize"] = 16;
        ModelVersion misfit = await Registry.RegisterAsync("sunspots", good with { Manifest = System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString()) }, null, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<ModelPackageException>(() => Promotion.PromoteAsync("sunspots", misfit.Version, "by hand", CancellationToken.None));

        Assert.Contains("do not fit the network", refused.Message);
        Assert.Null(await Aliases.GetChampionAsync("sunspots", CancellationToken.None));
    }

    [Fact]
    public async Task Listing_marks_a_version_whose_package_files_are_gone()
    {
        await Registry.RegisterAsync("sunspots", packages.Good, null, CancellationToken.None);
        await Registry.RegisterAsync("sunspots", packages.OtherGood, null, CancellationToken.None);
        await Container.DeleteBlobAsync("sunspots/000002/weights.bin");

        IReadOnlyList<ModelVersion> listed = await Registry.ListWithPackagesAsync("sunspots", CancellationToken.None);

        Assert.Equal(ModelRegistry.StatusRegistered, listed[0].Status);
        Assert.Equal(ModelRegistry.StatusUnavailable, listed[1].Status);
        Assert.Equal("weights.bin is missing: this version cannot be served", listed[1].Reason);
    }

    [Fact]
    public async Task An_unknown_model_name_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Registry.ListAsync("unicorns", CancellationToken.None));
        Assert.Contains("Unknown model 'unicorns'", error.Message);
    }
}
