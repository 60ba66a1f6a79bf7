using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Training;
using SunspotForecaster.Testing.Training;

namespace SunspotForecaster.Models.Tests.Training;

/// <summary>The learnable synthetic years, and tiny settings that train in about a second for tests that need a model but no margin.</summary>
internal static class SyntheticData
{
    public static SunspotSeries Series(int seed = 7) => LearnableData.Series(seed);

    public static ForecasterRecipe TinyOptions => LearnableData.Good with
    {
        Cell = SunspotForecaster.Models.Networks.RecurrentCell.Gru,
        BatchSize = 128,
        MaxEpochs = 4,
    };
}
