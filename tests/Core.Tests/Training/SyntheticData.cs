using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Series;
using SunspotForecaster.Core.Training;
using SunspotForecaster.Tests;

namespace SunspotForecaster.Core.Tests.Training;

/// <summary>A small synthetic series (1990-01-01..1999-12-31) and tiny settings that train in about a second.</summary>
internal static class SyntheticData
{
    public static SunspotSeries Series(int seed = 7) => SidcParser.Parse(new MemoryStream(
        new SidcCsvBuilder().StartingOn(new DateOnly(1990, 1, 1)).WithDays(3652).WithSeed(seed).BuildBytes()));

    public static ForecasterTrainingOptions TinyOptions => new()
    {
        Cell = Networks.RecurrentCell.Gru,
        Window = 8,
        HiddenSize = 8,
        DenseSize = 8,
        BatchSize = 128,
        LearningRate = 0.01,
        MaxEpochs = 4,
        Patience = 10,
        Seed = 3,
        Split = new SplitOptions
        {
            ValidationStart = new DateOnly(1996, 1, 1),
            TrainEnd = new DateOnly(1997, 12, 31),
            TestStart = new DateOnly(1998, 1, 1),
        },
    };
}
