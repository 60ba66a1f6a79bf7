namespace SunspotForecaster.Infrastructure.Tests.Support;

[CollectionDefinition(Name)]
public sealed class CompiledBicepCollection : ICollectionFixture<CompiledBicep>
{
    public const string Name = "Compiled Bicep";
}
