using SunspotForecaster.Core.Networks;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Forecasting;

/// <summary>
/// The next-day step of a <see cref="RegressorEnsemble"/> for one window, in managed code over a
/// copy of the weights: the same equations as libtorch's LSTM, GRU and Elman RNN (gate orders
/// i,f,g,o and r,z,n), the dense layers and the mean over the members. A single forecast through
/// libtorch spent most of its time and its allocations on the native calls and their wrappers, one
/// set per layer and time step; here it allocates nothing. Results agree with libtorch's to float
/// rounding (the sums run in another order), not bit for bit. Not thread-safe: it keeps its scratch
/// buffers, so each thread steps its own <see cref="WithOwnBuffers"/> copy (the weights are shared,
/// read only).
/// </summary>
internal sealed class ManagedEnsemble
{
    private readonly Member[] _members;
    private readonly float[] _gates;
    private readonly float[] _hiddenGates;
    private readonly float[] _state;
    private readonly float[] _cell;
    private readonly float[] _sequence;
    private readonly float[] _dense;

    public ManagedEnsemble(RegressorEnsemble network, RegressorShape shape, int window)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(shape);
        Shape = shape;
        _members = [.. Enumerable.Range(0, network.Count).Select(i => new Member(network[i], shape))];
        (_gates, _hiddenGates, _state, _cell, _sequence, _dense) = Buffers(shape, window);
    }

    private ManagedEnsemble(ManagedEnsemble weights, int window)
    {
        Shape = weights.Shape;
        _members = weights._members;
        (_gates, _hiddenGates, _state, _cell, _sequence, _dense) = Buffers(Shape, window);
    }

    /// <summary>The same ensemble over the same weights, with scratch buffers of its own: for another thread.</summary>
    public ManagedEnsemble WithOwnBuffers() => new(this, _sequence.Length / Shape.HiddenSize);

    private static (float[] Gates, float[] HiddenGates, float[] State, float[] Cell, float[] Sequence, float[] Dense) Buffers(RegressorShape shape, int window)
    {
        int gateRows = GateCount(shape.Cell) * shape.HiddenSize;
        return (new float[gateRows], new float[gateRows], new float[shape.HiddenSize], new float[shape.HiddenSize], new float[window * shape.HiddenSize], new float[shape.DenseSize]);
    }

    public RegressorShape Shape { get; }

    /// <summary>The ensemble's forecast (scaled) for the day after <paramref name="window"/> (scaled values, oldest first).</summary>
    public float Next(ReadOnlySpan<float> window)
    {
        float sum = 0;
        foreach (Member member in _members)
        {
            sum += NextOfMember(member, window);
        }

        return sum / _members.Length;
    }

    private float NextOfMember(Member member, ReadOnlySpan<float> window)
    {
        int hidden = Shape.HiddenSize;
        int steps = window.Length;
        for (int layer = 0; layer < member.Layers.Length; layer++)
        {
            Layer weights = member.Layers[layer];
            int inputs = layer == 0 ? 1 : hidden;
            Array.Clear(_state);
            Array.Clear(_cell);
            bool keepSequence = layer + 1 < member.Layers.Length;
            for (int t = 0; t < steps; t++)
            {
                // The layer below's output at t (layer 0: the window's value), read before this
                // layer's output at t overwrites it in _sequence.
                ReadOnlySpan<float> input = layer == 0 ? window.Slice(t, 1) : _sequence.AsSpan(t * hidden, hidden);
                Step(Shape.Cell, weights, input, inputs, hidden);
                if (keepSequence)
                {
                    _state.CopyTo(_sequence.AsSpan(t * hidden, hidden));
                }
            }
        }

        // Dense(ReLU) then the output, added to the window's last value.
        member.DenseBias.CopyTo(_dense.AsSpan());
        SmallMatrices.MultiplyAddRow(_state, member.DenseWeightsT, _dense);

        float change = member.OutputBias;
        for (int k = 0; k < _dense.Length; k++)
        {
            change += MathF.Max(_dense[k], 0) * member.OutputWeights[k];
        }

        return window[^1] + change;
    }

    private void Step(RecurrentCell cell, Layer w, ReadOnlySpan<float> input, int inputs, int hidden)
    {
        Span<float> gates = _gates;
        w.Bias.CopyTo(gates);
        SmallMatrices.MultiplyAddRow(input[..inputs], w.InputWeightsT, gates);

        Span<float> recurrentGates = cell == RecurrentCell.Gru ? _hiddenGates : gates;
        if (cell == RecurrentCell.Gru)
        {
            w.HiddenBias.CopyTo(recurrentGates);
        }

        SmallMatrices.MultiplyAddRow(_state, w.HiddenWeightsT, recurrentGates);

        Span<float> state = _state;
        switch (cell)
        {
            case RecurrentCell.Lstm:
                Activations.Sigmoid(gates[..(2 * hidden)]);
                Activations.Tanh(gates.Slice(2 * hidden, hidden));
                Activations.Sigmoid(gates.Slice(3 * hidden, hidden));
                for (int j = 0; j < hidden; j++)
                {
                    _cell[j] = gates[hidden + j] * _cell[j] + gates[j] * gates[2 * hidden + j];
                    state[j] = _cell[j];
                }

                Activations.Tanh(state);
                for (int j = 0; j < hidden; j++)
                {
                    state[j] *= gates[3 * hidden + j];
                }

                break;
            case RecurrentCell.Gru:
                for (int j = 0; j < 2 * hidden; j++)
                {
                    gates[j] += recurrentGates[j];
                }

                Activations.Sigmoid(gates[..(2 * hidden)]);
                for (int j = 0; j < hidden; j++)
                {
                    gates[2 * hidden + j] += gates[j] * recurrentGates[2 * hidden + j];
                }

                Activations.Tanh(gates.Slice(2 * hidden, hidden));
                for (int j = 0; j < hidden; j++)
                {
                    float update = gates[hidden + j];
                    state[j] = (1 - update) * gates[2 * hidden + j] + update * state[j];
                }

                break;
            default:
                Activations.Tanh(gates[..hidden]);
                gates[..hidden].CopyTo(state);
                break;
        }
    }

    private static int GateCount(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Lstm => 4,
        RecurrentCell.Gru => 3,
        _ => 1,
    };

    /// <summary>One recurrent layer's weights, transposed so that a step adds whole rows (AXPY) instead of taking dot products.</summary>
    private sealed record Layer(float[] InputWeightsT, float[] HiddenWeightsT, float[] Bias, float[] HiddenBias);

    private sealed class Member
    {
        public Member(RecurrentRegressor network, RegressorShape shape)
        {
            Dictionary<string, float[]> p = [];
            using (no_grad())
            {
                foreach ((string name, TorchSharp.Modules.Parameter parameter) in network.named_parameters())
                {
                    p[name[(name.LastIndexOf('.') + 1)..] + (name.StartsWith("recurrent.", StringComparison.Ordinal) ? "" : "@" + name[..name.IndexOf('.')])] = parameter.data<float>().ToArray();
                }
            }

            int hidden = shape.HiddenSize;
            int gates = GateCount(shape.Cell) * hidden;
            Layers = new Layer[shape.Layers];
            for (int l = 0; l < shape.Layers; l++)
            {
                int inputs = l == 0 ? 1 : hidden;
                float[] inputBias = p[$"bias_ih_l{l}"];
                float[] hiddenBias = p[$"bias_hh_l{l}"];

                // The GRU's candidate gate needs its recurrent bias apart (it is multiplied by r);
                // the other cells add the two biases once here.
                float[] bias = shape.Cell == RecurrentCell.Gru ? inputBias : [.. inputBias.Zip(hiddenBias, (a, b) => a + b)];
                Layers[l] = new Layer(Transpose(p[$"weight_ih_l{l}"], gates, inputs), Transpose(p[$"weight_hh_l{l}"], gates, hidden), bias, hiddenBias);
            }

            DenseWeightsT = Transpose(p["weight@dense"], shape.DenseSize, hidden);
            DenseBias = p["bias@dense"];
            OutputWeights = p["weight@output"];
            OutputBias = p["bias@output"][0];
        }

        public Layer[] Layers { get; }

        public float[] DenseWeightsT { get; }

        public float[] DenseBias { get; }

        public float[] OutputWeights { get; }

        public float OutputBias { get; }

        private static float[] Transpose(float[] rowMajor, int rows, int columns)
        {
            var transposed = new float[rowMajor.Length];
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    transposed[c * rows + r] = rowMajor[r * columns + c];
                }
            }

            return transposed;
        }
    }
}
