using SunspotForecaster.Models.Classification;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Classification;

/// <summary>Trains the car classifier once with its real settings (seconds) for the tests of this class.</summary>
public sealed class CarColourFixture : IDisposable
{
    public CarColourFixture() => Trained = CarColourTrainer.Train(new CarColourRecipe(), enumerationMaxLength: 8);

    public TrainedCarColourModel Trained { get; }

    public void Dispose() => Trained.Model.Dispose();
}

[Collection(TorchCollection.Name)]
public class CarColourModelTests(CarColourFixture fixture) : IClassFixture<CarColourFixture>
{
    private CarColourModel Model => fixture.Trained.Model;

    [Fact]
    public void Classifies_every_single_car_sequence_of_length_six()
    {
        var all = CarColourSequences.Enumerate(6).ToList();

        IReadOnlyList<CarColourPrediction> results = Model.ClassifyMany(all.Select(e => e.Sequence).ToArray());

        string[] wrong = all.Where((e, i) => results[i].Class != e.Label).Select(e => string.Join(",", e.Sequence)).ToArray();
        Assert.Empty(wrong);
    }

    [Fact]
    public void Classifies_a_wide_sample_of_lengths_one_to_sixty_four()
    {
        var random = new Random(2024);
        var sample = Enumerable.Range(1, 64)
            .SelectMany(length => CarColourSequences.Enumerate(length).OrderBy(_ => random.Next()).Take(12))
            .ToList();

        IReadOnlyList<CarColourPrediction> results = Model.ClassifyMany(sample.Select(e => e.Sequence).ToArray());

        string[] wrong = sample.Where((e, i) => results[i].Class != e.Label).Select(e => string.Join(",", e.Sequence)).ToArray();
        Assert.Empty(wrong);
        Assert.Equal(1.0, fixture.Trained.EnumerationAccuracy);
    }

    [Fact]
    public void Probabilities_are_four_numbers_that_sum_to_one()
    {
        CarColourPrediction result = Model.Classify([0, 0, 1, 1, 0, 0]);

        Assert.Equal(1, result.Class);
        Assert.Equal(4, result.Probabilities.Length);
        Assert.Equal(1f, result.Probabilities.Sum(), 4);
        Assert.True(result.Probabilities[1] > 0.9f);
    }

    [Fact]
    public void Save_then_load_classifies_the_same()
    {
        using var temp = new TemporaryDirectory();
        string directory = Path.Combine(temp.Path, "cars");
        ClassifierPackage.Save(fixture.Trained, directory);

        (CarColourModel loaded, ModelManifest manifest) = ClassifierPackage.Load(directory);

        using (loaded)
        {
            int[][] sequences = CarColourSequences.Enumerate(7).Select(e => e.Sequence).ToArray();
            Assert.Equal(
                Model.ClassifyMany(sequences).Select(r => r.Probabilities),
                loaded.ClassifyMany(sequences).Select(r => r.Probabilities));
            Assert.Equal("cars", manifest.Kind);
            Assert.Equal(128, manifest.Classifier!.HiddenSize);
        }
    }

    [Fact]
    public void A_sunspot_package_is_not_loaded_as_a_car_model()
    {
        using var temp = new TemporaryDirectory();
        string directory = Path.Combine(temp.Path, "cars");
        ClassifierPackage.Save(fixture.Trained, directory);

        Assert.Contains("not a 'sunspots' model", Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(directory)).Message);
    }
}
