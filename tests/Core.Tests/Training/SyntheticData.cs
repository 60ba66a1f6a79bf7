using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Training;
using SunspotForecaster.Tests.Training;

namespace SunspotForecaster.Core.Tests.Training;

/// <summary>The learnable synthetic years, and tiny settings that train in about a second for tests that need a model but no margin.</summary>
internal static class SyntheticData
{
    public static SunspotSeries Series(int seed = 7) => LearnableData.Series(seed);

    public static ForecasterTrainingOptions TinyOptions => LearnableData.Good with
    {
        Cell = SunspotForecaster.Core.Networks.RecurrentCell.Gru,
        BatchSize = 128,
        MaxEpochs = 4,
    };
}
