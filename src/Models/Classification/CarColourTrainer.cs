using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Training;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Classification;

public static class CarColourTrainer
{
    /// <summary>
    /// Trains on the course's six sequences plus <see cref="CarColourRecipe.ExamplesPerEpoch"/>
    /// seeded random single-car sequences, with early stopping on a separate random set, then
    /// scores every single-car sequence of lengths 1..<paramref name="enumerationMaxLength"/>.
    /// </summary>
    public static TrainedCarColourModel Train(CarColourRecipe options, int enumerationMaxLength = 64, IProgress<EpochProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var random = new Random(options.Seed);
        List<int[][]> batches = [[.. CarColourSequences.Course.Select(e => e.Sequence)]];
        List<long[]> batchLabels = [[.. CarColourSequences.Course.Select(e => (long)e.Label)]];
        for (int generated = 0; generated < options.ExamplesPerEpoch; generated += options.BatchSize)
        {
            // One length per batch: no padding, and a batch of short sequences is cheap.
            int length = random.Next(1, options.MaxLength + 1);
            var batch = Enumerable.Range(0, Math.Min(options.BatchSize, options.ExamplesPerEpoch - generated))
                .Select(_ => CarColourSequences.Sample(random, length, length)).ToArray();
            batches.Add(batch.Select(e => e.Sequence).ToArray());
            batchLabels.Add(batch.Select(e => (long)e.Label).ToArray());
        }

        var validation = Enumerable.Range(0, options.ValidationExamples).Select(_ => CarColourSequences.Sample(random, 1, options.MaxLength)).ToList();

        NetworkLayout layout = NetworkLayout.Classifier(CarColourSequences.Classes, options.HiddenSize);
        using var network = new SequenceClassifier(CarColourSequences.Classes, options.HiddenSize, options.Dropout);
        TorchParameters.Write(network, SeededInitialisation.Weights(layout, options.Seed));
        using var dropoutMasks = new Generator((ulong)options.Seed);
        network.DropoutGenerator = dropoutMasks;

        // The module trains through autograd; every answer, validation's included, comes from the
        // managed classifier over its current weights.
        CarColourModel Current() => new(new ManagedClassifier(CarColourSequences.Classes, options.HiddenSize, TorchParameters.Read(network)), options.Dropout);

        Tensor BatchLoss(Tensor batchIndex)
        {
            int index = (int)batchIndex.data<long>()[0];
            int[][] sequences = batches[index];
            return nn.functional.cross_entropy(network.forward(OneHot(sequences)), tensor(batchLabels[index]));
        }

        (double, double) Validate()
        {
            IReadOnlyList<CarColourPrediction> results = Current().ClassifyMany(validation.Select(v => v.Sequence).ToArray());
            double loss = -results.Select((r, i) => Math.Log(Math.Max(r.Probabilities[validation[i].Label], 1e-12))).Average();
            double accuracy = results.Select((r, i) => r.Class == validation[i].Label ? 1.0 : 0.0).Average();
            return (loss, accuracy);
        }

        // The loop's "examples" are whole batches here, one per step.
        TrainingRun run = ModelTrainer.Train(
            network,
            batches.Count,
            BatchLoss,
            Validate,
            new ModelTrainer.LoopSettings(BatchSize: 1, options.LearningRate, options.MaxEpochs, options.Patience, options.MinDelta, options.Seed, Budget: null, options.ClipGradientNorm),
            progress,
            cancellationToken);

        network.DropoutGenerator = null;
        CarColourModel model = Current();
        (double accuracy, long count) = EnumerationAccuracy(model, enumerationMaxLength);
        return new TrainedCarColourModel(model, options, run, run.BestValidationLoss, accuracy, count, enumerationMaxLength);
    }

    // One batch of sequences of one length, one-hot: [sequence, step, symbol].
    private static Tensor OneHot(int[][] sequences)
    {
        int steps = sequences.Max(s => s.Length);
        var encoded = new float[sequences.Length * steps * CarColourSequences.Classes];
        for (int i = 0; i < sequences.Length; i++)
        {
            int padding = steps - sequences[i].Length;
            for (int t = 0; t < steps; t++)
            {
                int symbol = t < padding ? 0 : sequences[i][t - padding];
                encoded[(i * steps + t) * CarColourSequences.Classes + symbol] = 1;
            }
        }

        return tensor(encoded, [sequences.Length, steps, CarColourSequences.Classes]);
    }

    /// <summary>The share of all single-car (and all-zero) sequences of lengths 1..<paramref name="maxLength"/> classified correctly.</summary>
    public static (double Accuracy, long Sequences) EnumerationAccuracy(CarColourModel model, int maxLength)
    {
        long correct = 0;
        long total = 0;
        for (int length = 1; length <= maxLength; length++)
        {
            var examples = CarColourSequences.Enumerate(length).ToList();
            IReadOnlyList<CarColourPrediction> results = model.ClassifyMany(examples.Select(e => e.Sequence).ToArray());
            for (int i = 0; i < examples.Count; i++)
            {
                correct += results[i].Class == examples[i].Label ? 1 : 0;
            }

            total += examples.Count;
        }

        return ((double)correct / total, total);
    }
}
