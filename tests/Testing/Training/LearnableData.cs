using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Testing.Training;

/// <summary>
/// Ten synthetic years with a signal a small network learns well, and the settings that tests rely
/// on for a model "better than persistence" or "unmistakably weaker". The series is an 11-year sine
/// plus uniform noise of ±15 (σ 8.7): persistence errs by the difference of two noises (RMSE about
/// 12.1), a model that smooths the last days gets near σ. Tests assert their margins, never a
/// figure that float rounding could move: libtorch picks other kernels on other CPUs.
/// </summary>
public static class LearnableData
{
    /// <summary>A good model's test RMSE is at most this share of persistence's (measured: 0.79..0.82 over seeds 3, 4, 11, 42).</summary>
    public const double GoodAtMost = 0.90;

    /// <summary>A weak model's test RMSE is at least this share of persistence's (measured: 1.40 for seed 3).</summary>
    public const double WeakAtLeast = 1.20;

    public static SidcCsvBuilder Builder(int seed = 7) => new SidcCsvBuilder().StartingOn(new DateOnly(1990, 1, 1)).WithDays(3652).WithSeed(seed);

    public static SunspotSeries Series(int seed = 7) => SidcParser.Parse(new MemoryStream(Builder(seed).BuildBytes()));

    /// <summary>Train 1990..1995, validate 1996..1997, test 1998..1999.</summary>
    public static SplitOptions Split { get; } = new()
    {
        ValidationStart = new DateOnly(1996, 1, 1),
        TrainEnd = new DateOnly(1997, 12, 31),
        TestStart = new DateOnly(1998, 1, 1),
    };

    /// <summary>Ten epochs of small batches: enough to learn the smoothing on any seed (a few seconds).</summary>
    public static ForecasterRecipe Good { get; } = new()
    {
        Cell = RecurrentCell.Lstm,
        Window = 8,
        HiddenSize = 8,
        DenseSize = 8,
        BatchSize = 32,
        LearningRate = 0.01,
        MaxEpochs = 10,
        Patience = 10,
        Seed = 3,
        Split = Split,

        // The margins above were measured for one network without weight averaging; the
        // production defaults (an ensemble, averaged weights) would train several times longer.
        Members = 1,
        WeightAverageDecay = null,
    };

    /// <summary>
    /// One epoch at a learning rate of 1e-6 leaves the starting weights as they were: seed 3's
    /// (drawn by our own generator, the same on every CPU) add a change of several sunspots to
    /// persistence every day.
    /// </summary>
    public static ForecasterRecipe Weak { get; } = Good with { MaxEpochs = 1, LearningRate = 1e-6 };

    /// <summary>Fails, with the figures, unless the model beats persistence by the margin tests rely on.</summary>
    public static void RequireGood(TestMetrics test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (!(test.Rmse <= GoodAtMost * test.PersistenceRmse))
        {
            throw new InvalidOperationException($"The 'good' test model reached RMSE {test.Rmse:0.000} against persistence's {test.PersistenceRmse:0.000}; tests need at most {GoodAtMost:P0} of it.");
        }
    }

    /// <summary>Fails, with the figures, unless the model is worse than persistence by the margin tests rely on.</summary>
    public static void RequireWeak(TestMetrics test)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (!(test.Rmse >= WeakAtLeast * test.PersistenceRmse))
        {
            throw new InvalidOperationException($"The 'weak' test model reached RMSE {test.Rmse:0.000} against persistence's {test.PersistenceRmse:0.000}; tests need at least {WeakAtLeast:P0} of it.");
        }
    }
}
