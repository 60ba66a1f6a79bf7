namespace SunspotForecaster.Cli.Tests;

/// <summary>CLI tests that train or run models share one collection: libtorch already uses every core.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliTorchCollection
{
    public const string Name = "TorchSharp";
}
