using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Functions.Tests;

/// <summary>The functions' tests run one class at a time, on one Azurite, with one served app trained once for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class ServedAppCollection : ICollectionFixture<AzuriteFixture>, ICollectionFixture<ServedAppFixture>
{
    public const string Name = "Served app";
}
