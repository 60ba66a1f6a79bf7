using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Core.Tests.Pipeline;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Core.Tests.Serving;

/// <summary>What a serving instance answers with while champions change under it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ChampionCacheTests(AzuriteFixture azurite, RegistryFixture packages) : IClassFixture<RegistryFixture>, IAsyncLifetime
{
    private PipelineInstance _app = null!;

    private ChampionCache Cache => _app.Get<ChampionCache>();

    private float[] History => packages.Data.Series.Values[^200..].ToArray();

    public async Task InitializeAsync()
    {
        _app = PipelineInstance.Create(TestSettings.For(azurite, ("Serving:ChampionRefreshSeconds", 1)));
        await _app.Get<ModelRegistry>().EnsureCreatedAsync(CancellationToken.None);
        await _app.Get<ModelRegistry>().RegisterAsync(ModelKind.Sunspots.Name, packages.Good, null, CancellationToken.None);
        await _app.Get<ModelRegistry>().RegisterAsync(ModelKind.Sunspots.Name, packages.OtherGood, null, CancellationToken.None);
        await _app.Get<ModelCatalog>().PromoteAsync(ModelKind.Sunspots.Name, 1, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task PromoteAndWaitForRefreshAsync(int version)
    {
        await _app.Get<ModelAliases>().TrySetChampionAsync(ModelKind.Sunspots.Name, version, "test", await _app.Get<ModelAliases>().GetChampionAsync(ModelKind.Sunspots.Name, CancellationToken.None), CancellationToken.None);
        await Task.Delay(1100);
    }

    [Fact]
    public async Task A_new_champion_that_cannot_be_loaded_leaves_the_last_good_one_serving_and_says_why()
    {
        using (ChampionHandle<ForecastModel> first = await Cache.AcquireForecasterAsync(CancellationToken.None))
        {
            Assert.Equal(1, first.Served?.Version);
        }

        await azurite.BlobServiceClient.GetBlobContainerClient(_app.Names.ModelsContainer).DeleteBlobAsync("sunspots/000002/weights.bin");
        await PromoteAndWaitForRefreshAsync(2);

        using ChampionHandle<ForecastModel> now = await Cache.AcquireForecasterAsync(CancellationToken.None);
        Assert.Equal(1, now.Served?.Version);
        Assert.Contains("version 2, cannot be loaded", now.Problem);
        Assert.Contains("serving version 1, the last champion that loaded", now.Problem);
        HealthSummary health = await _app.Get<ModelCatalog>().HealthAsync(CancellationToken.None);
        HealthSummary.ModelState state = health.Models[ModelKind.Sunspots.Name];
        Assert.Equal((2, 1, now.Problem), (state.Champion, state.Served, state.Problem));
    }

    [Fact]
    public async Task A_replaced_model_keeps_answering_a_request_that_holds_it_and_is_freed_when_the_request_ends()
    {
        ChampionHandle<ForecastModel> held = await Cache.AcquireForecasterAsync(CancellationToken.None);
        ForecastModel old = held.Served!.Model;

        await PromoteAndWaitForRefreshAsync(2);
        using (ChampionHandle<ForecastModel> next = await Cache.AcquireForecasterAsync(CancellationToken.None))
        {
            Assert.Equal(2, next.Served?.Version);
        }

        // Past the 30 s after which a replaced model used to be freed, held or not.
        await Task.Delay(TimeSpan.FromSeconds(31));
        Assert.False(old.IsDisposed);
        Assert.Equal(30, old.Forecast(History, packages.Data.Series.LastDate, 30).Count);

        held.Dispose();
        Assert.True(old.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => old.Forecast(History, packages.Data.Series.LastDate, 1));
    }
}
