namespace SunspotForecaster.Models.Tests;

/// <summary>
/// Tests that run TorchSharp share one collection, so they never run in parallel: libtorch's
/// OpenMP threads already use every core, and two trainings at once slow each other many times over.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "TorchSharp";
}
