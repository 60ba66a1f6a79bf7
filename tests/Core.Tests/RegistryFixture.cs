using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Models.Training;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Training;

namespace SunspotForecaster.Core.Tests;

/// <summary>
/// A synthetic SIDC file and three small sunspot packages trained from it once per test class: a
/// good one, an unmistakably weaker one, and another good one (another seed). Each is checked
/// against its margin here, so a test never rests on a model that sits on the edge.
/// </summary>
public sealed class RegistryFixture : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public RegistryFixture()
    {
        Data = SidcSource.FromBytes(LearnableData.Builder().BuildBytes(), "synthetic.csv");
        Good = Train("good", LearnableData.Good, LearnableData.RequireGood);
        Weak = Train("weak", LearnableData.Weak, LearnableData.RequireWeak);
        OtherGood = Train("other", LearnableData.Good with { Seed = 11 }, LearnableData.RequireGood);
    }

    public SidcFile Data { get; }

    public string Good { get; }

    public string Weak { get; }

    public string OtherGood { get; }

    public void Dispose() => _temp.Dispose();

    private string Train(string name, ForecasterRecipe options, Action<Models.Evaluation.TestMetrics> require)
    {
        TrainedForecaster trained = ForecasterTrainer.Train(Data.Series, options);
        using (trained.Model)
        {
            require(trained.Test);
            string directory = Path.Combine(_temp.Path, name);
            ForecasterPackage.Save(trained, directory, Data.Sha256);
            return directory;
        }
    }
}
