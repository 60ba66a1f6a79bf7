using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SunspotForecaster.Testing.Azurite;

/// <summary>App settings for a test: this Azurite, storage names of the test's own, and whatever the test adds.</summary>
public static partial class TestSettings
{
    /// <summary>The settings for storage at <paramref name="connectionString"/> (Azurite's), with names no other test uses.</summary>
    public static IConfiguration For(string connectionString, params (string Key, object Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Blobs"] = connectionString,
            ["Storage:Tables"] = connectionString,
            ["Storage:Queues"] = connectionString,
            ["Storage:RawContainer"] = UniqueNames.Container("raw"),
            ["Storage:ModelsContainer"] = UniqueNames.Container("models"),
            ["Storage:IngestRunsTable"] = UniqueNames.Table("runs"),
            ["Storage:ModelVersionsTable"] = UniqueNames.Table("versions"),
            ["Storage:ModelAliasesTable"] = UniqueNames.Table("aliases"),
            ["Storage:ForecastLedgerTable"] = UniqueNames.Table("ledger"),
            ["Storage:RetrainQueue"] = UniqueNames.Queue("retrain"),
            ["Promotion:CarEnumerationMaxLength"] = "8",
        };
        foreach ((string key, object value) in extra)
        {
            settings[key] = Convert.ToString(value, CultureInfo.InvariantCulture);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }
}
