using SunspotForecaster.Models.Networks;

namespace SunspotForecaster.Models.Engine;

/// <summary>
/// The course's car-colour <see cref="SequenceClassifier"/> in managed code: one LSTM layer over
/// one-hot symbols (the engine's <see cref="RecurrentStack"/>, the step every managed network runs),
/// the output layer and a softmax. Dropout acts in training only, so serving has none. Read only
/// once built: threads classify at once without a lock, each on buffers of its own (a call
/// allocates them). Probabilities agree with libtorch's to float rounding.
/// </summary>
public sealed class ManagedClassifier
{
    // Sequences per forward pass: one pass pads them to the longest with leading zeros.
    private const int BatchRows = 64;

    private readonly RecurrentStack _recurrent;
    private readonly float[] _outputWeightsT;
    private readonly float[] _outputBias;

    /// <param name="classes">Symbols in and classes out (the one-hot width).</param>
    /// <param name="hiddenSize">The LSTM's hidden size.</param>
    /// <param name="weights">The flat weights in <see cref="NetworkLayout.Classifier"/>'s order.</param>
    public ManagedClassifier(int classes, int hiddenSize, float[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Classes = classes;
        HiddenSize = hiddenSize;
        Layout = NetworkLayout.Classifier(classes, hiddenSize);
        if (weights.Length != Layout.Count)
        {
            throw new ArgumentException($"A classifier of {classes} classes and hidden size {hiddenSize} has {Layout.Count} weights; {weights.Length} were given.", nameof(weights));
        }

        Weights = weights;
        _recurrent = new RecurrentStack(RecurrentCell.Lstm, inputs: classes, hiddenSize, layers: 1);
        _recurrent.Prepare(weights, Layout);
        _outputWeightsT = new float[hiddenSize * classes];
        RecurrentStack.Transpose(weights.AsSpan(Layout["output.weight"].Offset, classes * hiddenSize), [.. Enumerable.Repeat(1f, classes)], hiddenSize, _outputWeightsT);
        _outputBias = weights.AsSpan(Layout["output.bias"].Offset, classes).ToArray();
    }

    /// <summary>Symbols in, classes out.</summary>
    public int Classes { get; }

    /// <summary>The LSTM's hidden size.</summary>
    public int HiddenSize { get; }

    /// <summary>Where each parameter sits in <see cref="Weights"/>.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>The flat weights (read only).</summary>
    public float[] Weights { get; }

    /// <summary>
    /// Each sequence's class probabilities, [sequence × class]. Sequences are batched; within a batch
    /// the shorter ones are padded with leading zeros (symbol 0), which does not change their class.
    /// </summary>
    /// <exception cref="ArgumentException">A sequence is empty or holds a symbol outside 0..<see cref="Classes"/>−1.</exception>
    public float[] Probabilities(IReadOnlyList<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var probabilities = new float[sequences.Count * Classes];
        for (int start = 0; start < sequences.Count; start += BatchRows)
        {
            int rows = Math.Min(BatchRows, sequences.Count - start);
            int steps = 0;
            for (int i = start; i < start + rows; i++)
            {
                steps = Math.Max(steps, sequences[i].Length);
            }

            if (steps == 0)
            {
                throw new ArgumentException("A sequence to classify has no symbol.", nameof(sequences));
            }

            var x = new float[rows * steps * Classes];
            for (int r = 0; r < rows; r++)
            {
                int[] sequence = sequences[start + r];
                int padding = steps - sequence.Length;
                for (int t = 0; t < steps; t++)
                {
                    int symbol = t < padding ? 0 : sequence[t - padding];
                    if ((uint)symbol >= (uint)Classes)
                    {
                        throw new ArgumentException($"Symbol {symbol} lies outside 0..{Classes - 1}.", nameof(sequences));
                    }

                    x[(r * steps + t) * Classes + symbol] = 1;
                }
            }

            RegressorWorkspace.LayerCache[] caches = RegressorWorkspace.Caches(RecurrentCell.Lstm, HiddenSize, 1, steps, rows);
            _recurrent.Forward(x, rows, steps, caches, []);
            ReadOnlySpan<float> last = caches[0].States.AsSpan(steps * rows * HiddenSize, rows * HiddenSize);
            Span<float> logits = probabilities.AsSpan(start * Classes, rows * Classes);
            for (int r = 0; r < rows; r++)
            {
                _outputBias.CopyTo(logits.Slice(r * Classes, Classes));
            }

            SmallMatrices.MultiplyAdd(last, HiddenSize, 1, _outputWeightsT, Classes, logits, Classes, rows, HiddenSize, Classes);
            for (int r = 0; r < rows; r++)
            {
                Softmax(logits.Slice(r * Classes, Classes));
            }
        }

        return probabilities;
    }

    // In double, shifted by the largest logit so no exponential overflows.
    private static void Softmax(Span<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float value in values)
        {
            max = MathF.Max(max, value);
        }

        double sum = 0;
        Span<double> exponentials = stackalloc double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            exponentials[i] = Math.Exp(values[i] - max);
            sum += exponentials[i];
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(exponentials[i] / sum);
        }
    }
}
