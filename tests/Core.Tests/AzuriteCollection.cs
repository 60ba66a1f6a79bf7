using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Core.Tests;

/// <summary>The test classes that share one Azurite (xunit finds a collection only in the assembly of its tests).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
