using SunspotForecaster.Core.Classification;
using SunspotForecaster.Core.Networks;
using SunspotForecaster.Core.Training;

namespace SunspotForecaster.Core.Packaging;

/// <summary>Saves and loads car-colour classifiers (<c>kind: cars</c>).</summary>
public static class ClassifierPackage
{
    public const string Kind = "cars";

    public static ModelManifest Save(TrainedCarColourModel trained, string directory, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(trained);
        CarColourTrainingOptions o = trained.Options;
        TrainingRun run = trained.Run;
        var details = new ClassifierDetails(
            CarColourSequences.Classes,
            trained.Model.HiddenSize,
            trained.Model.Dropout,
            o.MaxLength,
            new ClassifierHyperParameters(o.BatchSize, o.LearningRate, o.MaxEpochs, o.Patience, o.MinDelta, o.Seed, o.ExamplesPerEpoch),
            new TrainingDetails(run.Epochs, run.BestEpoch, run.StopReason.ToString(), run.TrainSeconds, o.ExamplesPerEpoch + CarColourSequences.Course.Count, o.ValidationExamples, (int)trained.EnumerationSequences),
            new ClassifierMetrics(trained.ValidationLoss, trained.EnumerationAccuracy, (int)trained.EnumerationSequences, trained.EnumerationMaxLength));

        return ModelPackage.Save(directory, trained.Model.Network, weights => new ModelManifest
        {
            FormatVersion = ModelPackage.FormatVersion,
            Kind = Kind,
            CodeVersion = ModelPackage.CodeVersion,
            CreatedAt = (clock ?? TimeProvider.System).GetUtcNow(),
            Weights = weights,
            Classifier = details,
        });
    }

    public static (CarColourModel Model, ModelManifest Manifest) Load(string directory)
    {
        ModelManifest manifest = ModelPackage.ReadManifest(directory, Kind);
        ClassifierDetails details = manifest.Classifier ?? throw new ModelPackageException($"The manifest in '{directory}' lacks the 'classifier' section.");
        if (details.Classes != CarColourSequences.Classes || details.HiddenSize is < 1 or > 1024 || details.Dropout is < 0 or >= 1)
        {
            throw new ModelPackageException($"The manifest in '{directory}' has impossible sizes.");
        }

        var network = new SequenceClassifier(details.Classes, details.HiddenSize, details.Dropout);
        try
        {
            ModelPackage.LoadWeights(directory, manifest, network);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        return (new CarColourModel(network, details.HiddenSize, details.Dropout), manifest);
    }
}
