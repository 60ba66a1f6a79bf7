using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SunspotForecaster.Models.Networks;

namespace SunspotForecaster.Models.Engine;

/// <summary>
/// One <see cref="RecurrentRegressor"/> in managed code: its flat weights (in
/// <see cref="NetworkLayout"/> order) made ready for the products, and the forward pass over a
/// batch of windows — the recurrent layers (LSTM, GRU or Elman RNN, gate orders i,f,g,o and r,z,n
/// as libtorch's), the dense ReLU layer and the output added to the window's last value. Training
/// (<see cref="Training.ManagedLstmSteps"/>), validation and serving all run this one pass; a
/// single forecast is a batch of one row and gets the same sums (products add in the inner index's
/// order whatever the row count). Results agree with libtorch's to float rounding, not bit for bit.
/// Not thread-safe while <see cref="Prepare"/> runs; <see cref="Forward"/> only reads the weights,
/// so threads share them, each with its own <see cref="RegressorWorkspace"/>.
/// </summary>
public sealed class ManagedRegressor
{
    private readonly int _inputs;
    private readonly int _hidden;
    private readonly int _gates;
    private readonly int _dense;
    private readonly float[] _gateScales;
    private readonly float[] _denseScales;

    /// <param name="shape">The network's shape.</param>
    /// <param name="weights">Its flat weights, <see cref="NetworkLayout.Regressor"/>'s order; kept, not copied (see <see cref="Prepare"/>).</param>
    public ManagedRegressor(RegressorShape shape, float[] weights)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(weights);
        Shape = shape;
        Layout = NetworkLayout.Regressor(shape);
        if (weights.Length != Layout.Count)
        {
            throw new ArgumentException($"A {shape.Cell} regressor of this shape has {Layout.Count} weights; {weights.Length} were given.", nameof(weights));
        }

        Weights = weights;
        _inputs = 1;
        _hidden = shape.HiddenSize;
        _gates = NetworkLayout.GateCount(shape.Cell) * _hidden;
        _dense = shape.DenseSize;

        // The LSTM's candidate rows are doubled, so that one sigmoid over all four gates gives it
        // too: tanh(x) = 2·sigmoid(2x) − 1 (doubling is exact in floating point).
        _gateScales = [.. Enumerable.Range(0, _gates).Select(g => shape.Cell == RecurrentCell.Lstm && g >= 2 * _hidden && g < 3 * _hidden ? 2f : 1f)];
        _denseScales = [.. Enumerable.Repeat(1f, _dense)];
        Layers = [.. Enumerable.Range(0, shape.Layers).Select(l => new Layer(l == 0 ? _inputs : _hidden, _hidden, _gates))];
        DenseWeightsT = new float[_hidden * _dense];
        Prepare();
    }

    /// <summary>The network's shape.</summary>
    public RegressorShape Shape { get; }

    /// <summary>Where each parameter sits in <see cref="Weights"/>.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>The flat weights the pass reads (after <see cref="Prepare"/>): training updates them in place.</summary>
    public float[] Weights { get; }

    internal Layer[] Layers { get; }

    internal float[] DenseWeightsT { get; }

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

    /// <summary>Makes the transposed copies from <see cref="Weights"/>: after every change to them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prepare()
    {
        ReadOnlySpan<float> w = Weights;
        string module = "recurrent." + Shape.Cell.ToString().ToLowerInvariant();
        for (int l = 0; l < Layers.Length; l++)
        {
            Layer layer = Layers[l];
            Transpose(w.Slice(Layout[$"{module}.weight_ih_l{l}"].Offset, _gates * layer.Inputs), _gateScales, layer.Inputs, layer.InputWeightsT);
            Transpose(w.Slice(Layout[$"{module}.weight_hh_l{l}"].Offset, _gates * _hidden), _gateScales, _hidden, layer.HiddenWeightsT);
            ReadOnlySpan<float> inputBias = w.Slice(Layout[$"{module}.bias_ih_l{l}"].Offset, _gates);
            ReadOnlySpan<float> hiddenBias = w.Slice(Layout[$"{module}.bias_hh_l{l}"].Offset, _gates);
            for (int g = 0; g < _gates; g++)
            {
                layer.Bias[g] = Shape.Cell == RecurrentCell.Gru ? inputBias[g] : _gateScales[g] * (inputBias[g] + hiddenBias[g]);
                layer.HiddenBias[g] = hiddenBias[g];
            }
        }

        Transpose(w.Slice(Layout["dense.weight"].Offset, _dense * _hidden), _denseScales, _hidden, DenseWeightsT);
    }

    /// <summary>
    /// The forecasts (scaled) for the day after each of the first <paramref name="rows"/> windows in
    /// <paramref name="work"/>'s <see cref="RegressorWorkspace.Inputs"/> (scaled, row after row),
    /// into its <see cref="RegressorWorkspace.Outputs"/>; the workspace keeps what back-propagation
    /// needs (see there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Forward(RegressorWorkspace work, int rows)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, work.Rows);
        int window = work.Window;
        int hidden = _hidden;
        int stateSize = rows * hidden;
        for (int l = 0; l < Layers.Length; l++)
        {
            Layer layer = Layers[l];
            RegressorWorkspace.LayerCache cache = work.Layers[l];
            cache.States.AsSpan(0, stateSize).Clear();
            cache.Cells.AsSpan(0, Shape.Cell == RecurrentCell.Lstm ? stateSize : 0).Clear();
            for (int t = 0; t < window; t++)
            {
                Span<float> gates = cache.Gates.AsSpan(t * rows * _gates, rows * _gates);
                InputGates(work, l, layer, t, rows, gates);
                ReadOnlySpan<float> state = cache.States.AsSpan(t * stateSize, stateSize);
                Span<float> next = cache.States.AsSpan((t + 1) * stateSize, stateSize);
                switch (Shape.Cell)
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
                        Span<float> recurrent = work.HiddenGates.AsSpan(0, rows * _gates);
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

        Head(work, rows);
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

    // The gates' input part at step t: bias + input·W_ihᵀ. One input (the first layer of the
    // regressor) is an element-wise a·x + b; more, a product.
    private void InputGates(RegressorWorkspace work, int l, Layer layer, int t, int rows, Span<float> gates)
    {
        int window = work.Window;
        if (l == 0)
        {
            ReadOnlySpan<float> x = work.Inputs;
            for (int r = 0; r < rows; r++)
            {
                MultiplyAdd(x[r * window + t], layer.InputWeightsT, layer.Bias, gates.Slice(r * _gates, _gates));
            }

            return;
        }

        int stateSize = rows * _hidden;
        for (int r = 0; r < rows; r++)
        {
            layer.Bias.CopyTo(gates.Slice(r * _gates, _gates));
        }

        ReadOnlySpan<float> below = work.Layers[l - 1].States.AsSpan((t + 1) * stateSize, stateSize);
        SmallMatrices.MultiplyAdd(below, _hidden, 1, layer.InputWeightsT, _gates, gates, _gates, rows, _hidden, _gates);
    }

    // Dense(ReLU), then the output added to the window's last value.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Head(RegressorWorkspace work, int rows)
    {
        int window = work.Window;
        int hidden = _hidden;
        int dense = _dense;
        int stateSize = rows * hidden;
        ReadOnlySpan<float> w = Weights;
        ReadOnlySpan<float> last = work.Layers[^1].States.AsSpan(window * stateSize, stateSize);
        Span<float> z = work.Dense.AsSpan(0, rows * dense);
        ReadOnlySpan<float> denseBias = w.Slice(Layout["dense.bias"].Offset, dense);
        for (int r = 0; r < rows; r++)
        {
            denseBias.CopyTo(z.Slice(r * dense, dense));
        }

        SmallMatrices.MultiplyAdd(last, hidden, 1, DenseWeightsT, dense, z, dense, rows, hidden, dense);
        ReadOnlySpan<float> outputWeights = w.Slice(Layout["output.weight"].Offset, dense);
        float outputBias = w[Layout["output.bias"].Offset];
        ReadOnlySpan<float> x = work.Inputs;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> zr = z.Slice(r * dense, dense);
            float y = outputBias;
            for (int d = 0; d < dense; d++)
            {
                y += MathF.Max(zr[d], 0) * outputWeights[d];
            }

            work.Outputs[r] = x[r * window + window - 1] + y;
        }
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
    private static void Transpose(ReadOnlySpan<float> source, ReadOnlySpan<float> rowScales, int columns, Span<float> destination)
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
