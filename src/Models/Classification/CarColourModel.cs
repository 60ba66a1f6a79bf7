using SunspotForecaster.Models.Networks;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Classification;

/// <summary>
/// A trained car-colour classifier. Safe to share between threads: calls are serialised on one
/// network, run in eval mode without gradient tracking, and free their native memory.
/// </summary>
public sealed class CarColourModel(SequenceClassifier network, int hiddenSize, double dropout) : IDisposable
{
    private const int BatchSize = 2048;
    private readonly Lock _gate = new();

    public int HiddenSize { get; } = hiddenSize;

    public double Dropout { get; } = dropout;

    internal SequenceClassifier Network { get; } = network;

    /// <exception cref="ArgumentException">The sequence is empty, longer than 256 steps, or holds a value outside 0..3.</exception>
    public CarColourPrediction Classify(IReadOnlyList<int> sequence)
    {
        CarColourSequences.Validate(sequence);
        return ClassifyMany([sequence.ToArray()])[0];
    }

    /// <summary>Classifies many sequences; shorter ones are padded with leading zeros, which does not change their class.</summary>
    public IReadOnlyList<CarColourPrediction> ClassifyMany(IReadOnlyList<int[]> sequences)
    {
        var results = new CarColourPrediction[sequences.Count];
        lock (_gate)
        {
            Network.eval();
            using var noGrad = no_grad();
            for (int start = 0; start < sequences.Count; start += BatchSize)
            {
                int size = Math.Min(BatchSize, sequences.Count - start);
                using var scope = NewDisposeScope();
                Tensor probabilities = nn.functional.softmax(Network.forward(OneHot(sequences, start, size)), 1);
                float[] values = probabilities.data<float>().ToArray();
                for (int i = 0; i < size; i++)
                {
                    float[] row = values.AsSpan(i * CarColourSequences.Classes, CarColourSequences.Classes).ToArray();
                    results[start + i] = new CarColourPrediction(Array.IndexOf(row, row.Max()), row);
                }
            }
        }

        return results;
    }

    /// <summary>(count, longest, 4) one-hot tensor of sequences[start..start+count], left-padded with zeros.</summary>
    internal static Tensor OneHot(IReadOnlyList<int[]> sequences, int start, int count)
    {
        int steps = 1;
        for (int i = start; i < start + count; i++)
        {
            steps = Math.Max(steps, sequences[i].Length);
        }

        var encoded = new float[count * steps * CarColourSequences.Classes];
        for (int i = 0; i < count; i++)
        {
            int[] sequence = sequences[start + i];
            int padding = steps - sequence.Length;
            for (int t = 0; t < steps; t++)
            {
                int symbol = t < padding ? 0 : sequence[t - padding];
                encoded[(i * steps + t) * CarColourSequences.Classes + symbol] = 1;
            }
        }

        return tensor(encoded, [count, steps, CarColourSequences.Classes]);
    }

    public void Dispose() => Network.Dispose();
}
