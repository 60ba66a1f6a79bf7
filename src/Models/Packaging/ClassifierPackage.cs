using SunspotForecaster.Models.Classification;
using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Models.Packaging;

/// <summary>Saves and loads car-colour classifiers (<c>kind: cars</c>).</summary>
public static class ClassifierPackage
{
    public static ModelKind Kind => ModelKind.Cars;

    /// <summary>Saves a trained classifier into <paramref name="directory"/> (created or replaced).</summary>
    public static ModelManifest Save(TrainedCarColourModel trained, string directory, TimeProvider? clock = null)
    {
        (ModelManifest manifest, PackageFiles files) = Pack(trained, clock);
        files.WriteTo(directory);
        return manifest;
    }

    /// <summary>Packs a trained classifier in memory.</summary>
    public static (ModelManifest Manifest, PackageFiles Files) Pack(TrainedCarColourModel trained, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(trained);
        CarColourRecipe o = trained.Options;
        TrainingRun run = trained.Run;
        var details = new ClassifierDetails(
            CarColourSequences.Classes,
            trained.Model.HiddenSize,
            trained.Model.Dropout,
            o.MaxLength,
            new ClassifierHyperParameters(o.BatchSize, o.LearningRate, o.MaxEpochs, o.Patience, o.MinDelta, o.Seed, o.ExamplesPerEpoch),
            new TrainingDetails(run.Epochs, run.BestEpoch, run.StopReason.ToString(), run.TrainSeconds, o.ExamplesPerEpoch + CarColourSequences.Course.Count, o.ValidationExamples, (int)trained.EnumerationSequences, TrainingEngine.TorchSharp),
            new ClassifierMetrics(trained.ValidationLoss, trained.EnumerationAccuracy, (int)trained.EnumerationSequences, trained.EnumerationMaxLength));

        byte[] file = TorchWeightsFile.Write(trained.Model.Network.Layout, trained.Model.Network.Weights);
        return ModelPackage.Pack(file, weights => new ModelManifest
        {
            FormatVersion = ModelPackage.FormatVersion,
            Kind = Kind.Name,
            CodeVersion = ModelPackage.CodeVersion,
            CreatedAt = (clock ?? TimeProvider.System).GetUtcNow(),
            Weights = weights,
            Classifier = details,
        });
    }

    /// <summary>Loads the package in a folder; throws <see cref="ModelPackageException"/> when it is unusable.</summary>
    public static (CarColourModel Model, ModelManifest Manifest) Load(string directory) => Load(PackageFiles.Read(directory), $"'{directory}'");

    /// <summary>Loads a package, checking the manifest and the weights; throws <see cref="ModelPackageException"/> when they are unusable.</summary>
    public static (CarColourModel Model, ModelManifest Manifest) Load(PackageFiles files, string origin)
    {
        // Formats 2 to 5 changed only sunspot packages: a car package of any format loads the same way.
        ModelManifest manifest = ModelPackage.ReadManifest(files, Kind.Name, origin, oldestFormat: 1);
        ClassifierDetails details = manifest.Classifier ?? throw new ModelPackageException($"The manifest of {origin} lacks the 'classifier' section.");
        if (details.Classes != CarColourSequences.Classes || details.HiddenSize is < 1 or > 1024 || details.Dropout is < 0 or >= 1)
        {
            throw new ModelPackageException($"The manifest of {origin} has impossible sizes.");
        }

        float[] weights = ModelPackage.ReadWeights(files, manifest, NetworkLayout.Classifier(details.Classes, details.HiddenSize), origin);
        var network = new ManagedClassifier(details.Classes, details.HiddenSize, weights);

        return (new CarColourModel(network, details.Dropout), manifest);
    }
}
