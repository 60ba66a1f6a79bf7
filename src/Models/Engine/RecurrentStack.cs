using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SunspotForecaster.Models.Networks;

namespace SunspotForecaster.Models.Engine;

/// <summary>
/// The recurrent layers of a network in managed code — LSTM, GRU or Elman RNN, gate orders i,f,g,o
/// and r,z,n as libtorch's, any number of layers — and their forward pass over a batch of sequences:
/// the one step every managed forecast, validation, evaluation and training pass runs
/// (<see cref="ManagedRegressor"/>). Weights are read from flat
/// weights by their TorchSharp names under <c>recurrent.{cell}.</c> (<see cref="NetworkLayout"/>).
/// </summary>
internal sealed class RecurrentStack
{
    private readonly RecurrentCell _cell;
    private readonly int _hidden;
    private readonly int _gates;
    private readonly float[] _gateScales;
    private readonly string _module;

    public RecurrentStack(RecurrentCell cell, int inputs, int hidden, int layers)
    {
        _cell = cell;
        _hidden = hidden;
        _gates = NetworkLayout.GateCount(cell) * hidden;
        _module = "recurrent." + cell.ToString().ToLowerInvariant();

        // The LSTM's candidate rows are doubled, so that one sigmoid over all four gates gives it
        // too: tanh(x) = 2·sigmoid(2x) − 1 (doubling is exact in floating point).
        _gateScales = [.. Enumerable.Range(0, _gates).Select(g => cell == RecurrentCell.Lstm && g >= 2 * hidden && g < 3 * hidden ? 2f : 1f)];
        Layers = [.. Enumerable.Range(0, layers).Select(l => new Layer(l == 0 ? inputs : hidden, hidden, _gates))];
    }

    public Layer[] Layers { get; }

    /// <summary>The recurrent layer's weights transposed (and scaled) as the products want them, the biases added.</summary>
    internal sealed class Layer(int inputs, int hidden, int gates)
    {
        public int Inputs { get; } = inputs;

        /// <summary>[inputs × gates]: a step adds whole rows (AXPY) instead of taking dot products.</summary>
        public float[] InputWeightsT { get; } = new float[inputs * gates];

        /// <summary>[hidden × gates].</summary>
        public float[] HiddenWeightsT { get; } = new float[hidden * gates];

        /// <summary>The input and recurrent biases added (the GRU: the input bias alone).</summary>
        public float[] Bias { get; } = new float[gates];

        /// <summary>The GRU's recurrent bias, apart because its candidate part is multiplied by r.</summary>
        public float[] HiddenBias { get; } = new float[gates];
    }

    /// <summary>Makes the transposed copies from the flat <paramref name="w"/> laid out as <paramref name="layout"/>: after every change to them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prepare(ReadOnlySpan<float> w, NetworkLayout layout)
    {
        for (int l = 0; l < Layers.Length; l++)
        {
            Layer layer = Layers[l];
            Transpose(w.Slice(layout[$"{_module}.weight_ih_l{l}"].Offset, _gates * layer.Inputs), _gateScales, layer.Inputs, layer.InputWeightsT);
            Transpose(w.Slice(layout[$"{_module}.weight_hh_l{l}"].Offset, _gates * _hidden), _gateScales, _hidden, layer.HiddenWeightsT);
            ReadOnlySpan<float> inputBias = w.Slice(layout[$"{_module}.bias_ih_l{l}"].Offset, _gates);
            ReadOnlySpan<float> hiddenBias = w.Slice(layout[$"{_module}.bias_hh_l{l}"].Offset, _gates);
            for (int g = 0; g < _gates; g++)
            {
                layer.Bias[g] = _cell == RecurrentCell.Gru ? inputBias[g] : _gateScales[g] * (inputBias[g] + hiddenBias[g]);
                layer.HiddenBias[g] = hiddenBias[g];
            }
        }
    }

    /// <summary>
    /// The layers over the first <paramref name="rows"/> sequences of <paramref name="steps"/> steps
    /// in <paramref name="x"/> ([row][step][input]); each layer's cache keeps its states (the last
    /// layer's at <paramref name="steps"/> are the output), cells, tanh of the cells and activated gates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(ReadOnlySpan<float> x, int rows, int steps, IReadOnlyList<RegressorWorkspace.LayerCache> caches, float[] hiddenGates)
    {
        int hidden = _hidden;
        int stateSize = rows * hidden;
        for (int l = 0; l < Layers.Length; l++)
        {
            Layer layer = Layers[l];
            RegressorWorkspace.LayerCache cache = caches[l];
            cache.States.AsSpan(0, stateSize).Clear();
            cache.Cells.AsSpan(0, _cell == RecurrentCell.Lstm ? stateSize : 0).Clear();
            for (int t = 0; t < steps; t++)
            {
                Span<float> gates = cache.Gates.AsSpan(t * rows * _gates, rows * _gates);
                InputGates(x, caches, l, layer, t, rows, steps, gates);
                ReadOnlySpan<float> state = cache.States.AsSpan(t * stateSize, stateSize);
                Span<float> next = cache.States.AsSpan((t + 1) * stateSize, stateSize);
                switch (_cell)
                {
                    case RecurrentCell.Lstm:
                        if (t > 0)
                        {
                            SmallMatrices.MultiplyAdd(state, hidden, 1, layer.HiddenWeightsT, _gates, gates, _gates, rows, hidden, _gates);
                        }

                        Squash(gates, rows, Activations.FastSigmoid);
                        for (int r = 0; r < rows; r++)
                        {
                            int at = t * stateSize + r * hidden;
                            LstmCell(gates.Slice(r * _gates, _gates), cache.Cells.AsSpan(at, hidden), cache.Cells.AsSpan(at + stateSize, hidden), cache.TanhCells.AsSpan(at, hidden), next.Slice(r * hidden, hidden));
                        }

                        break;
                    case RecurrentCell.Gru:
                        Span<float> recurrent = hiddenGates.AsSpan(0, rows * _gates);
                        for (int r = 0; r < rows; r++)
                        {
                            layer.HiddenBias.CopyTo(recurrent.Slice(r * _gates, _gates));
                        }

                        if (t > 0)
                        {
                            SmallMatrices.MultiplyAdd(state, hidden, 1, layer.HiddenWeightsT, _gates, recurrent, _gates, rows, hidden, _gates);
                        }

                        for (int r = 0; r < rows; r++)
                        {
                            GruCell(gates.Slice(r * _gates, _gates), recurrent.Slice(r * _gates, _gates), state.Slice(r * hidden, hidden), next.Slice(r * hidden, hidden));
                        }

                        break;
                    default:
                        if (t > 0)
                        {
                            SmallMatrices.MultiplyAdd(state, hidden, 1, layer.HiddenWeightsT, _gates, gates, _gates, rows, hidden, _gates);
                        }

                        Squash(gates, rows, Activations.FastTanh);
                        gates.CopyTo(next);
                        break;
                }
            }
        }
    }

    // Whole blocks at a time, where the squashing functions' vector loops run long; row by row when
    // a row is not whole vectors, so that a window's numbers do not depend on its place in a batch
    // (the functions' vector steps and their scalar tail round differently).
    private void Squash(Span<float> gates, int rows, SpanAction squash)
    {
        if (_gates % Vector256<float>.Count == 0)
        {
            squash(gates);
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            squash(gates.Slice(r * _gates, _gates));
        }
    }

    private delegate void SpanAction(Span<float> values);

    // The gates' input part at step t: bias + input·W_ihᵀ. One input (the regressor's first layer)
    // is an element-wise a·x + b; more (one-hot symbols, or the layer below), a product.
    private void InputGates(ReadOnlySpan<float> x, IReadOnlyList<RegressorWorkspace.LayerCache> caches, int l, Layer layer, int t, int rows, int steps, Span<float> gates)
    {
        if (l == 0 && layer.Inputs == 1)
        {
            for (int r = 0; r < rows; r++)
            {
                MultiplyAdd(x[r * steps + t], layer.InputWeightsT, layer.Bias, gates.Slice(r * _gates, _gates));
            }

            return;
        }

        for (int r = 0; r < rows; r++)
        {
            layer.Bias.CopyTo(gates.Slice(r * _gates, _gates));
        }

        if (l == 0)
        {
            // Row r's input at step t starts at (r·steps + t)·inputs: rows steps·inputs apart.
            SmallMatrices.MultiplyAdd(x[(t * layer.Inputs)..], steps * layer.Inputs, 1, layer.InputWeightsT, _gates, gates, _gates, rows, layer.Inputs, _gates);
            return;
        }

        int stateSize = rows * _hidden;
        ReadOnlySpan<float> below = caches[l - 1].States.AsSpan((t + 1) * stateSize, stateSize);
        SmallMatrices.MultiplyAdd(below, _hidden, 1, layer.InputWeightsT, _gates, gates, _gates, rows, _hidden, _gates);
    }

    // g = 2·s − 1 (the candidate's tanh from the sigmoid of its doubled input, kept for the
    // backward pass), c' = f·c + i·g, and h' = o·tanh(c') (tanh(c') kept too); gates hold the
    // activated i, f and o.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LstmCell(Span<float> gates, ReadOnlySpan<float> cell, Span<float> nextCell, Span<float> tanhCell, Span<float> nextState)
    {
        int hidden = _hidden;
        ReadOnlySpan<float> input = gates[..hidden];
        ReadOnlySpan<float> forget = gates.Slice(hidden, hidden);
        Span<float> candidate = gates.Slice(2 * hidden, hidden);
        ReadOnlySpan<float> output = gates.Slice(3 * hidden, hidden);
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var two = Vector256.Create(2f);
            for (; j <= hidden - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                Vector256<float> g = two * Vector256.Create(candidate[j..]) - Vector256<float>.One;
                g.CopyTo(candidate[j..]);
                Vector256<float> c = Vector256.Create(forget[j..]) * Vector256.Create(cell[j..]) + Vector256.Create(input[j..]) * g;
                c.CopyTo(nextCell[j..]);
                Vector256<float> tc = Activations.FastTanh(c);
                tc.CopyTo(tanhCell[j..]);
                (Vector256.Create(output[j..]) * tc).CopyTo(nextState[j..]);
            }
        }

        for (; j < hidden; j++)
        {
            candidate[j] = 2 * candidate[j] - 1;
            nextCell[j] = forget[j] * cell[j] + input[j] * candidate[j];
            tanhCell[j] = MathF.Tanh(nextCell[j]);
            nextState[j] = output[j] * tanhCell[j];
        }
    }

    // r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h' = (1 − z)·n + z·h.
    private void GruCell(Span<float> gates, ReadOnlySpan<float> recurrent, ReadOnlySpan<float> state, Span<float> next)
    {
        int hidden = _hidden;
        Span<float> resetUpdate = gates[..(2 * hidden)];
        for (int j = 0; j < 2 * hidden; j++)
        {
            resetUpdate[j] += recurrent[j];
        }

        Activations.FastSigmoid(resetUpdate);
        Span<float> candidate = gates.Slice(2 * hidden, hidden);
        for (int j = 0; j < hidden; j++)
        {
            candidate[j] += gates[j] * recurrent[2 * hidden + j];
        }

        Activations.FastTanh(candidate);
        for (int j = 0; j < hidden; j++)
        {
            float update = gates[hidden + j];
            next[j] = (1 - update) * candidate[j] + update * state[j];
        }
    }

    // y = a·x + b, element-wise.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyAdd(float a, ReadOnlySpan<float> x, ReadOnlySpan<float> b, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<float>(a);
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.FusedMultiplyAdd(scale, new Vector<float>(x[i..]), new Vector<float>(b[i..])).CopyTo(y[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] = MathF.FusedMultiplyAdd(a, x[i], b[i]);
        }
    }

    // destination[k, r] = rowScales[r]·source[r, k]: eight rows at a time, so that every store is
    // a whole vector.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose(ReadOnlySpan<float> source, ReadOnlySpan<float> rowScales, int columns, Span<float> destination)
    {
        int rows = rowScales.Length;
        int r = 0;
        for (; r + 8 <= rows; r += 8)
        {
            var scale = Vector256.Create(rowScales.Slice(r, 8));
            for (int k = 0; k < columns; k++)
            {
                int at = r * columns + k;
                Vector256<float> column = Vector256.Create(
                    source[at],
                    source[at + columns],
                    source[at + 2 * columns],
                    source[at + 3 * columns],
                    source[at + 4 * columns],
                    source[at + 5 * columns],
                    source[at + 6 * columns],
                    source[at + 7 * columns]);
                (column * scale).CopyTo(destination.Slice(k * rows + r, 8));
            }
        }

        for (; r < rows; r++)
        {
            for (int k = 0; k < columns; k++)
            {
                destination[k * rows + r] = rowScales[r] * source[r * columns + k];
            }
        }
    }
}
