using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Functions.Tests;

/// <summary>local.settings.sample.json composes a working app, and a mistyped setting fails at start-up naming it.</summary>
public class SettingsTests
{
    private static Dictionary<string, string?> Sample()
    {
        using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")));
        // App settings reach the worker as environment variables, where "__" separates sections.
        return sample.RootElement.GetProperty("Values").EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());
    }

    private static ServiceProvider Compose(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSunspotCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Every_sample_setting_binds_to_the_options_the_app_reads()
    {
        using ServiceProvider services = Compose(Sample());

        Assert.Equal(30, services.GetRequiredService<IOptions<ServingOptions>>().Value.ChampionRefreshSeconds);
        Assert.Equal(300, services.GetRequiredService<IOptions<ServingOptions>>().Value.RetryAfterSeconds);
        Assert.Equal(3653, services.GetRequiredService<IOptions<ServingOptions>>().Value.MaxHistory);
        Assert.Equal(20, services.GetRequiredService<IOptions<RetrainJobOptions>>().Value.BudgetMinutes);
        Assert.Equal(64, services.GetRequiredService<IOptions<PromotionOptions>>().Value.CarEnumerationMaxLength);
        Assert.Equal("https://www.sidc.be/SILSO/INFO/sndtotcsv.php", services.GetRequiredService<IOptions<IngestOptions>>().Value.SourceUrl);
        Assert.Equal("sidc-raw", services.GetRequiredService<IOptions<StorageOptions>>().Value.RawContainer);
        Assert.NotNull(services.GetRequiredService<ForecastService>());
    }

    [Theory]
    [InlineData("Serving:ChampionRefreshSeconds", "0", "ChampionRefreshSeconds")]
    [InlineData("Training:BudgetMinutes", "-5", "BudgetMinutes")]
    [InlineData("Ingest:SourceUrl", "not a url", "SourceUrl")]
    [InlineData("Storage:Blobs", "nonsense", "Storage:Blobs")]
    [InlineData("Storage:Tables", "DefaultEndpointsProtocol=https;AccountName=x", "Storage:Tables")]
    public void A_mistyped_setting_fails_at_start_naming_it(string key, string value, string named)
    {
        Dictionary<string, string?> settings = Sample();
        settings[key] = value;
        using ServiceProvider services = Compose(settings);

        var failure = Assert.ThrowsAny<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<ServingOptions>>().Value;
            _ = services.GetRequiredService<IOptions<RetrainJobOptions>>().Value;
            _ = services.GetRequiredService<IOptions<IngestOptions>>().Value;
            _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        });

        Assert.Contains(named, failure.Message);
    }
}
