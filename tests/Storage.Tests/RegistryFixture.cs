using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Series;
using SunspotForecaster.Core.Training;
using SunspotForecaster.Tests;

namespace SunspotForecaster.Storage.Tests;

/// <summary>
/// A synthetic SIDC file and three tiny sunspot packages trained from it once per test class:
/// a good one, a weaker one (one epoch at a tiny learning rate) and another good one (other seed).
/// </summary>
public sealed class RegistryFixture : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public RegistryFixture()
    {
        byte[] bytes = new SidcCsvBuilder().StartingOn(new DateOnly(1990, 1, 1)).WithDays(3652).BuildBytes();
        Data = SidcSource.FromBytes(bytes, "synthetic.csv");
        var options = new ForecasterTrainingOptions
        {
            Window = 8,
            HiddenSize = 8,
            DenseSize = 8,
            BatchSize = 128,
            LearningRate = 0.01,
            MaxEpochs = 4,
            Seed = 3,
            Split = new SplitOptions { ValidationStart = new DateOnly(1996, 1, 1), TrainEnd = new DateOnly(1997, 12, 31), TestStart = new DateOnly(1998, 1, 1) },
        };
        Good = Train("good", options);
        Weak = Train("weak", options with { MaxEpochs = 1, LearningRate = 1e-5 });
        OtherGood = Train("other", options with { Seed = 11 });
    }

    public SidcFile Data { get; }

    public string Good { get; }

    public string Weak { get; }

    public string OtherGood { get; }

    public void Dispose() => _temp.Dispose();

    private string Train(string name, ForecasterTrainingOptions options)
    {
        TrainedForecaster trained = ForecasterTrainer.Train(Data.Series, options);
        using (trained.Model)
        {
            string directory = Path.Combine(_temp.Path, name);
            ForecasterPackage.Save(trained, directory, Data.Sha256);
            return directory;
        }
    }
}
