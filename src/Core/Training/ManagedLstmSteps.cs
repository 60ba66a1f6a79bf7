using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SunspotForecaster.Core.Networks;
using SunspotForecaster.Core.Series;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>
/// Trains a one-layer LSTM <see cref="RecurrentRegressor"/> in managed code: the forward pass over
/// the window, back-propagation through time, the mean squared error and Adam (the update of
/// <see cref="FlatAdam"/>, with the same moving average of the weights), on a copy of the
/// network's weights; validation forecasts come from the same forward pass, and the kept weights
/// go back into the network at the end. libtorch ran this network as oneDNN's RNN primitives,
/// whose calls on such small matrices (a 32 × 256 gate product per step) cost several times their
/// arithmetic; here each step is a register-blocked product (<see cref="SmallMatrices"/>) and
/// vectorised passes over the gates, with nothing allocated per batch.
/// <para>
/// A mini-batch is cut into chunks of a fixed number of rows (decided by the batch size alone),
/// each chunk's gradient is computed on its own, and the chunks' gradients are added in order: so
/// chunks can run on several threads and the weights do not depend on how many. The numbers agree
/// with libtorch's to float rounding, not bit for bit (tests hold the loss, the gradients and the
/// forecasts to autograd's).
/// </para>
/// </summary>
internal sealed class ManagedLstmSteps : ITrainingSteps
{
    // The hot methods are compiled optimised at once ([AggressiveOptimization]): with tiered
    // compilation the course's first epoch took 1.3-1.4 s against 0.9-1.1 s for the next ones.

    // Chunks per batch at most, and rows per chunk at least: few enough gradient buffers, rows
    // enough for the products' 4-row blocks.
    private const int MaxChunks = 8;
    private const int MinChunkRows = 16;

    private const float Beta1 = 0.9f;
    private const float Beta2 = 0.999f;
    private const float Epsilon = 1e-8f;

    private readonly RecurrentRegressor _network;
    private readonly float[] _inputs;
    private readonly float[] _targets;
    private readonly int _window;
    private readonly int _hidden;
    private readonly int _gates;
    private readonly int _dense;
    private readonly Layout _layout;
    private readonly float _learningRate;
    private readonly double? _averageDecay;
    private readonly int _threads;
    private readonly int _chunkRows;

    private readonly float[] _weights;
    private readonly float[] _gradient;
    private readonly float[] _expAvg;
    private readonly float[] _expAvgSq;
    private float[]? _average;
    private readonly float[] _best;
    private bool _hasBest;
    private long _step;

    // Per batch: the weights as the products want them. The candidate gate's rows are doubled, so
    // that one sigmoid over all four gates gives it too: tanh(x) = 2·sigmoid(2x) − 1 (doubling is
    // exact in floating point).
    private readonly float[] _hiddenWeightsT;
    private readonly float[] _inputWeights;
    private readonly float[] _bias;
    private readonly float[] _denseWeightsT;
    private readonly float[] _gateScales;
    private readonly float[] _denseScales;

    private readonly Chunk[] _chunks;
    private readonly ChunkWorkers _workers;
    private readonly Action<int> _runChunk;
    private readonly Action<int> _runUpdate;
    private long[] _order = [];
    private int _batchStart;
    private int _batchSize;
    private int _batchChunks;
    private float _averageWeight;
    private bool _averageStarts;
    private double _lossSum;

    public ManagedLstmSteps(RecurrentRegressor network, RegressorShape shape, WindowSet train, int batchSize, double learningRate, double? averageDecay, int threads)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(train);
        if (!Supports(shape))
        {
            throw new ArgumentException($"Managed training runs a one-layer LSTM, not {shape.Layers} layer(s) of {shape.Cell}.", nameof(shape));
        }

        _network = network;
        _inputs = train.Inputs;
        _targets = train.Targets;
        _window = train.WindowLength;
        _hidden = shape.HiddenSize;
        _gates = 4 * shape.HiddenSize;
        _dense = shape.DenseSize;
        _learningRate = (float)learningRate;
        _averageDecay = averageDecay;
        _threads = Math.Max(1, threads);
        _layout = new Layout(network);
        _weights = new float[_layout.Count];
        ReadNetwork();
        _gradient = new float[_layout.Count];
        _expAvg = new float[_layout.Count];
        _expAvgSq = new float[_layout.Count];
        _best = new float[_layout.Count];
        _hiddenWeightsT = new float[_hidden * _gates];
        _denseWeightsT = new float[_hidden * _dense];
        _inputWeights = new float[_gates];
        _bias = new float[_gates];
        _gateScales = [.. Enumerable.Range(0, _gates).Select(g => IsCandidate(g) ? 2f : 1f)];
        _denseScales = [.. Enumerable.Repeat(1f, _dense)];

        int rows = Math.Max(MinChunkRows, (batchSize + MaxChunks - 1) / MaxChunks);
        _chunkRows = rows;
        int chunks = (Math.Min(batchSize, Math.Max(train.Count, 1)) + rows - 1) / rows;
        _chunks = [.. Enumerable.Range(0, Math.Max(chunks, 1)).Select(_ => new Chunk(rows, _window, _hidden, _dense, _layout.Count))];
        _workers = new ChunkWorkers(Math.Min(_threads, _chunks.Length));
        _runChunk = c => RunChunk(_chunks[c], _batchStart + c * _chunkRows, Math.Min(_chunkRows, _batchSize - c * _chunkRows), _batchSize);
        _runUpdate = slice => Update(UpdateSliceStart(slice), UpdateSliceStart(slice + 1));
    }

    /// <summary>Whether <paramref name="shape"/> is a network this class trains: one LSTM layer (dropout acts between layers only).</summary>
    public static bool Supports(RegressorShape shape) => shape.Cell == RecurrentCell.Lstm && shape.Layers == 1;

    public void BeginEpoch(long[] order) => _order = order;

    public void Step(int start, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, _chunkRows * _chunks.Length);
        PrepareWeights(_weights);
        _batchStart = start;
        _batchSize = size;
        _batchChunks = (size + _chunkRows - 1) / _chunkRows;
        _workers.Run(_batchChunks, _runChunk);
        for (int c = 0; c < _batchChunks; c++)
        {
            _lossSum += _chunks[c].LossSum;
        }

        _step++;
        if (_averageDecay is double decay)
        {
            _averageWeight = (float)Math.Min(decay, (1.0 + _step) / (10.0 + _step));
            _averageStarts = _average is null;
            _average ??= new float[_weights.Length];
        }

        // The update runs in slices of the parameters on the same threads; each parameter's
        // arithmetic is its own, so the slicing changes nothing.
        _workers.Run(_workers.Threads, _runUpdate);
    }

    public double EndEpoch()
    {
        double sum = _lossSum;
        _lossSum = 0;
        return sum;
    }

    // Validation reads the validated weights here (PredictNextDay): the network needs them only at the end.
    public IDisposable? UseAverage() => null;

    public void KeepBest()
    {
        Validated.CopyTo(_best, 0);
        _hasBest = true;
    }

    public void RestoreBest() => WriteNetwork(_hasBest ? _best : Validated);

    /// <summary>The last mini-batch's gradient, in the order of the network's parameters (for tests).</summary>
    internal ReadOnlySpan<float> Gradient => _gradient;

    public void Dispose() => _workers.Dispose();

    // The weights the loop validates and keeps: the moving average once there is one.
    private float[] Validated => _average ?? _weights;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PrepareWeights(float[] weights)
    {
        Transpose(weights.AsSpan(_layout.HiddenWeights, _gates * _hidden), _gateScales, _hidden, _hiddenWeightsT);
        Transpose(weights.AsSpan(_layout.DenseWeights, _dense * _hidden), _denseScales, _hidden, _denseWeightsT);
        for (int g = 0; g < _gates; g++)
        {
            _inputWeights[g] = _gateScales[g] * weights[_layout.InputWeights + g];
            _bias[g] = _gateScales[g] * (weights[_layout.InputBias + g] + weights[_layout.HiddenBias + g]);
        }
    }

    // destination[k, r] = rowScales[r]·source[r, k]: eight rows at a time, so that every store is
    // a whole vector (it runs on one thread between the parallel parts).
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

    private bool IsCandidate(int gate) => gate >= 2 * _hidden && gate < 3 * _hidden;

    /// <summary>
    /// The next-day forecasts (unscaled) of the weights the loop validates, for every window, as a
    /// batch through the same forward pass as training; chunks of windows run on the threads given.
    /// </summary>
    public float[] PredictNextDay(WindowSet windows, StandardScaler scaler)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.WindowLength != _window)
        {
            throw new ArgumentException($"The windows are {windows.WindowLength} days long, the network's {_window}.", nameof(windows));
        }

        float[] weights = Validated;
        PrepareWeights(weights);
        var forecasts = new float[windows.Count];
        int chunks = (windows.Count + _chunkRows - 1) / _chunkRows;
        int workers = Math.Min(Math.Min(_threads, _chunks.Length), chunks);
        void Work(int worker)
        {
            Chunk chunk = _chunks[worker];
            for (int c = worker; c < chunks; c += workers)
            {
                int first = c * _chunkRows;
                int rows = Math.Min(_chunkRows, windows.Count - first);
                windows.Inputs.AsSpan(first * _window, rows * _window).CopyTo(chunk.Inputs);
                Forward(chunk, rows, weights);
                for (int r = 0; r < rows; r++)
                {
                    forecasts[first + r] = scaler.Unscale(chunk.Outputs[r]);
                }
            }
        }

        _workers.Run(workers, Work);

        return forecasts;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunChunk(Chunk chunk, int start, int rows, int batchSize)
    {
        int window = _window;
        int hidden = _hidden;
        int gates = _gates;
        int dense = _dense;
        ReadOnlySpan<float> w = _weights;
        ReadOnlySpan<float> hiddenWeights = w.Slice(_layout.HiddenWeights, gates * hidden);
        ReadOnlySpan<float> denseWeights = w.Slice(_layout.DenseWeights, dense * hidden);
        ReadOnlySpan<float> outputWeights = w.Slice(_layout.OutputWeights, dense);

        Span<float> x = chunk.Inputs;
        for (int r = 0; r < rows; r++)
        {
            long example = _order[start + r];
            _inputs.AsSpan((int)(example * window), window).CopyTo(x.Slice(r * window, window));
            chunk.Targets[r] = _targets[example];
        }

        Forward(chunk, rows, w);
        int stateSize = rows * hidden;
        Span<float> last = chunk.States.AsSpan(window * stateSize, stateSize);
        Span<float> z = chunk.Dense.AsSpan(0, rows * dense);

        Span<float> gradient = chunk.Gradient;
        gradient.Clear();
        Span<float> gradientOutputWeights = gradient.Slice(_layout.OutputWeights, dense);
        Span<float> gradientDenseBias = gradient.Slice(_layout.DenseBias, dense);
        Span<float> dz = chunk.DenseGradient.AsSpan(0, rows * dense);
        double lossSum = 0;
        float gradientOutputBias = 0;
        for (int r = 0; r < rows; r++)
        {
            Span<float> zr = z.Slice(r * dense, dense);
            float error = chunk.Outputs[r] - chunk.Targets[r];
            lossSum += (double)error * error;
            float dy = 2 * error / batchSize;
            gradientOutputBias += dy;
            Span<float> dzr = dz.Slice(r * dense, dense);
            for (int d = 0; d < dense; d++)
            {
                float relu = MathF.Max(zr[d], 0);
                gradientOutputWeights[d] += relu * dy;
                dzr[d] = zr[d] > 0 ? outputWeights[d] * dy : 0;
                gradientDenseBias[d] += dzr[d];
            }
        }

        gradient[_layout.OutputBias] = gradientOutputBias;
        chunk.LossSum = lossSum;

        // dL/dW_dense[d, k] = Σ_r dz[r, d]·h[r, k]; dL/dh = dz·W_dense.
        SmallMatrices.MultiplyAdd(dz, 1, dense, last, hidden, gradient.Slice(_layout.DenseWeights, dense * hidden), hidden, dense, rows, hidden);
        Span<float> dh = chunk.StateGradient.AsSpan(0, stateSize);
        Span<float> dc = chunk.CellGradient.AsSpan(0, stateSize);
        dh.Clear();
        dc.Clear();
        SmallMatrices.MultiplyAdd(dz, dense, 1, denseWeights, hidden, dh, hidden, rows, dense, hidden);

        // Back through time.
        for (int t = window - 1; t >= 0; t--)
        {
            // The gates' gradients overwrite their activations, which nothing reads afterwards: a
            // buffer fewer for the caches to hold (160 KB a chunk at the course's setting).
            Span<float> gateGradient = chunk.Gates.AsSpan(t * rows * gates, rows * gates);
            for (int r = 0; r < rows; r++)
            {
                CellBackward(
                    gateGradient.Slice(r * gates, gates),
                    chunk.Cells.AsSpan(t * stateSize + r * hidden, hidden),
                    chunk.TanhCells.AsSpan(t * stateSize + r * hidden, hidden),
                    dh.Slice(r * hidden, hidden),
                    dc.Slice(r * hidden, hidden));
            }

            if (t > 0)
            {
                dh.Clear();
                SmallMatrices.MultiplyAdd(gateGradient, gates, 1, hiddenWeights, hidden, dh, hidden, rows, gates, hidden);
            }
        }

        // dL/dW_hh[g, k] = Σ_t Σ_r dgates_t[r, g]·h_t[r, k] (h_0 = 0 adds nothing), as one product.
        if (window > 1)
        {
            SmallMatrices.MultiplyAdd(
                chunk.Gates.AsSpan(rows * gates, (window - 1) * rows * gates), 1, gates,
                chunk.States.AsSpan(stateSize, (window - 1) * stateSize), hidden,
                gradient.Slice(_layout.HiddenWeights, gates * hidden), hidden, gates, (window - 1) * rows, hidden);
        }

        // dL/dW_ih[g] = Σ dgates·x; both biases get Σ dgates.
        Span<float> gradientBias = gradient.Slice(_layout.InputBias, gates);
        InputGradients(chunk, rows, gradient.Slice(_layout.InputWeights, gates), gradientBias);
        gradientBias.CopyTo(gradient.Slice(_layout.HiddenBias, gates));
    }

    // The forward pass over the chunk's first rows (inputs in place): keeps what the backward pass
    // needs, and each row's forecast (scaled) in Outputs. States[t] is the hidden state before step
    // t (States[0] = 0), Cells likewise.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Forward(Chunk chunk, int rows, ReadOnlySpan<float> w)
    {
        int window = _window;
        int hidden = _hidden;
        int gates = _gates;
        int dense = _dense;
        ReadOnlySpan<float> x = chunk.Inputs;
        int stateSize = rows * hidden;
        chunk.States.AsSpan(0, stateSize).Clear();
        chunk.Cells.AsSpan(0, stateSize).Clear();
        for (int t = 0; t < window; t++)
        {
            Span<float> activations = chunk.Gates.AsSpan(t * rows * gates, rows * gates);
            for (int r = 0; r < rows; r++)
            {
                MultiplyAdd(x[r * window + t], _inputWeights, _bias, activations.Slice(r * gates, gates));
            }

            if (t > 0)
            {
                SmallMatrices.MultiplyAdd(chunk.States.AsSpan(t * stateSize, stateSize), hidden, 1, _hiddenWeightsT, gates, activations, gates, rows, hidden, gates);
            }

            // Whole blocks at a time: the squashing functions' vector loops run long.
            Activations.FastSigmoid(activations);
            for (int r = 0; r < rows; r++)
            {
                int at = t * stateSize + r * hidden;
                CellForward(
                    activations.Slice(r * gates, gates),
                    chunk.Cells.AsSpan(at, hidden),
                    chunk.Cells.AsSpan(at + stateSize, hidden),
                    chunk.TanhCells.AsSpan(at, hidden),
                    chunk.States.AsSpan(at + stateSize, hidden));
            }
        }

        // Dense(ReLU), then the output added to the window's last value.
        Span<float> last = chunk.States.AsSpan(window * stateSize, stateSize);
        Span<float> z = chunk.Dense.AsSpan(0, rows * dense);
        ReadOnlySpan<float> denseBias = w.Slice(_layout.DenseBias, dense);
        for (int r = 0; r < rows; r++)
        {
            denseBias.CopyTo(z.Slice(r * dense, dense));
        }

        SmallMatrices.MultiplyAdd(last, hidden, 1, _denseWeightsT, dense, z, dense, rows, hidden, dense);
        ReadOnlySpan<float> outputWeights = w.Slice(_layout.OutputWeights, dense);
        float outputBias = w[_layout.OutputBias];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> zr = z.Slice(r * dense, dense);
            float y = outputBias;
            for (int d = 0; d < dense; d++)
            {
                y += MathF.Max(zr[d], 0) * outputWeights[d];
            }

            chunk.Outputs[r] = x[r * window + window - 1] + y;
        }
    }

    // dL/dW_ih[g] = Σ_t Σ_r dgates_t[r, g]·x[r, t] and dL/db[g] = Σ_t Σ_r dgates_t[r, g], added in
    // the order of t, then r; four vectors of gates at a time stay in registers over all of them.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InputGradients(Chunk chunk, int rows, Span<float> inputWeights, Span<float> bias)
    {
        int window = _window;
        int gates = _gates;
        ReadOnlySpan<float> gateGradients = chunk.Gates;
        ReadOnlySpan<float> x = chunk.Inputs;
        const int Width = 8;
        int g = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; g + 4 * Width <= gates; g += 4 * Width)
            {
                Vector256<float> w0 = default, w1 = default, w2 = default, w3 = default;
                Vector256<float> b0 = default, b1 = default, b2 = default, b3 = default;
                for (int t = 0; t < window; t++)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        ReadOnlySpan<float> row = gateGradients.Slice((t * rows + r) * gates + g, 4 * Width);
                        var input = Vector256.Create(x[r * window + t]);
                        var d0 = Vector256.Create(row);
                        var d1 = Vector256.Create(row[Width..]);
                        var d2 = Vector256.Create(row[(2 * Width)..]);
                        var d3 = Vector256.Create(row[(3 * Width)..]);
                        w0 = Vector256.FusedMultiplyAdd(input, d0, w0);
                        w1 = Vector256.FusedMultiplyAdd(input, d1, w1);
                        w2 = Vector256.FusedMultiplyAdd(input, d2, w2);
                        w3 = Vector256.FusedMultiplyAdd(input, d3, w3);
                        b0 += d0;
                        b1 += d1;
                        b2 += d2;
                        b3 += d3;
                    }
                }

                w0.CopyTo(inputWeights[g..]);
                w1.CopyTo(inputWeights[(g + Width)..]);
                w2.CopyTo(inputWeights[(g + 2 * Width)..]);
                w3.CopyTo(inputWeights[(g + 3 * Width)..]);
                b0.CopyTo(bias[g..]);
                b1.CopyTo(bias[(g + Width)..]);
                b2.CopyTo(bias[(g + 2 * Width)..]);
                b3.CopyTo(bias[(g + 3 * Width)..]);
            }
        }

        for (; g < gates; g++)
        {
            float w = 0, b = 0;
            for (int t = 0; t < window; t++)
            {
                for (int r = 0; r < rows; r++)
                {
                    float d = gateGradients[(t * rows + r) * gates + g];
                    w = MathF.FusedMultiplyAdd(x[r * window + t], d, w);
                    b += d;
                }
            }

            inputWeights[g] = w;
            bias[g] = b;
        }
    }

    // g = 2·s − 1 (the candidate's tanh from the sigmoid of its doubled input, kept for the
    // backward pass), c' = f·c + i·g, and h' = o·tanh(c') (tanh(c') kept too); gates hold the
    // activated i, f and o.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CellForward(Span<float> gates, ReadOnlySpan<float> cell, Span<float> nextCell, Span<float> tanhCell, Span<float> nextState)
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

    // From dL/dh and dL/dc after the step to the gates' pre-activation gradients, which replace the
    // gates' activations in place (each position is read before it is written); dc is left as
    // dL/dc before the step (the caller computes dL/dh before it as dgates·W_hh).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CellBackward(Span<float> gates, ReadOnlySpan<float> cell, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> dh, Span<float> dc)
    {
        int hidden = _hidden;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            Vector<float> one = Vector<float>.One;
            for (; j <= hidden - width; j += width)
            {
                var i = new Vector<float>(gates[j..]);
                var f = new Vector<float>(gates[(hidden + j)..]);
                var g = new Vector<float>(gates[(2 * hidden + j)..]);
                var o = new Vector<float>(gates[(3 * hidden + j)..]);
                var tc = new Vector<float>(tanhCell[j..]);
                var dhv = new Vector<float>(dh[j..]);
                Vector<float> dcv = new Vector<float>(dc[j..]) + dhv * o * (one - tc * tc);
                (dhv * tc * o * (one - o)).CopyTo(gates[(3 * hidden + j)..]);
                (dcv * g * i * (one - i)).CopyTo(gates[j..]);
                (dcv * i * (one - g * g)).CopyTo(gates[(2 * hidden + j)..]);
                (dcv * new Vector<float>(cell[j..]) * f * (one - f)).CopyTo(gates[(hidden + j)..]);
                (dcv * f).CopyTo(dc[j..]);
            }
        }

        for (; j < hidden; j++)
        {
            float i = gates[j], f = gates[hidden + j], g = gates[2 * hidden + j], o = gates[3 * hidden + j];
            float tc = tanhCell[j];
            float dcv = dc[j] + dh[j] * o * (1 - tc * tc);
            gates[3 * hidden + j] = dh[j] * tc * o * (1 - o);
            gates[j] = dcv * g * i * (1 - i);
            gates[2 * hidden + j] = dcv * i * (1 - g * g);
            gates[hidden + j] = dcv * cell[j] * f * (1 - f);
            dc[j] = dcv * f;
        }
    }

    // Where update slice `slice` of the threads' starts: whole vectors each.
    private int UpdateSliceStart(int slice) =>
        slice >= _workers.Threads ? _weights.Length : (int)((long)_weights.Length * slice / _workers.Threads) / Vector<float>.Count * Vector<float>.Count;

    // For the parameters lo..hi-1: the chunks' gradients added in chunk order, Adam as
    // torch.optim.Adam computes it, then the moving average (see FlatAdam).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update(int lo, int hi)
    {
        float biasCorrection1 = (float)(1 - Math.Pow(Beta1, _step));
        float sqrtBiasCorrection2 = (float)Math.Sqrt(1 - Math.Pow(Beta2, _step));
        float stepSize = _learningRate / biasCorrection1;
        Span<float> weights = _weights.AsSpan(0, hi);
        Span<float> gradient = _gradient.AsSpan(0, hi);
        Span<float> m = _expAvg.AsSpan(0, hi);
        Span<float> v = _expAvgSq.AsSpan(0, hi);
        Chunk[] chunks = _chunks;
        int count = _batchChunks;
        int i = lo;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            var beta1 = new Vector<float>(Beta1);
            var oneMinusBeta1 = new Vector<float>(1 - Beta1);
            var beta2 = new Vector<float>(Beta2);
            var oneMinusBeta2 = new Vector<float>(1 - Beta2);
            var epsilon = new Vector<float>(Epsilon);
            var correction = new Vector<float>(sqrtBiasCorrection2);
            var step = new Vector<float>(stepSize);
            for (; i <= hi - width; i += width)
            {
                var g = new Vector<float>(chunks[0].Gradient.AsSpan(i));
                for (int c = 1; c < count; c++)
                {
                    g += new Vector<float>(chunks[c].Gradient.AsSpan(i));
                }

                g.CopyTo(gradient[i..]);
                Vector<float> mi = new Vector<float>(m[i..]) * beta1 + g * oneMinusBeta1;
                Vector<float> vi = new Vector<float>(v[i..]) * beta2 + g * g * oneMinusBeta2;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (new Vector<float>(weights[i..]) - step * mi / (Vector.SquareRoot(vi) / correction + epsilon)).CopyTo(weights[i..]);
            }
        }

        for (; i < hi; i++)
        {
            float g = chunks[0].Gradient[i];
            for (int c = 1; c < count; c++)
            {
                g += chunks[c].Gradient[i];
            }

            gradient[i] = g;
            m[i] = m[i] * Beta1 + g * (1 - Beta1);
            v[i] = v[i] * Beta2 + g * g * (1 - Beta2);
            weights[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) / sqrtBiasCorrection2 + Epsilon);
        }

        if (_average is float[] averageWeights)
        {
            Span<float> average = averageWeights.AsSpan(lo, hi - lo);
            if (_averageStarts)
            {
                weights[lo..].CopyTo(average);
            }

            float weight = _averageWeight;
            for (int k = 0; k < average.Length; k++)
            {
                average[k] = average[k] * weight + weights[lo + k] * (1 - weight);
            }
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

    private void ReadNetwork()
    {
        using var noGrad = no_grad();
        foreach ((string name, Parameter parameter) in _network.named_parameters())
        {
            parameter.data<float>().ToArray().CopyTo(_weights, _layout.OffsetOf(name));
        }
    }

    private void WriteNetwork(float[] weights)
    {
        using var noGrad = no_grad();
        foreach ((string name, Parameter parameter) in _network.named_parameters())
        {
            using Tensor source = tensor(weights.AsSpan(_layout.OffsetOf(name), (int)parameter.numel()).ToArray(), parameter.shape);
            parameter.copy_(source);
        }
    }

    /// <summary>Where each of the network's parameters sits in the flat weights (in the network's own order).</summary>
    private sealed class Layout
    {
        private readonly Dictionary<string, int> _offsets = [];

        public Layout(RecurrentRegressor network)
        {
            int offset = 0;
            foreach ((string name, Parameter parameter) in network.named_parameters())
            {
                _offsets[name] = offset;
                offset += (int)parameter.numel();
            }

            Count = offset;
            InputWeights = Find("weight_ih_l0");
            HiddenWeights = Find("weight_hh_l0");
            InputBias = Find("bias_ih_l0");
            HiddenBias = Find("bias_hh_l0");
            DenseWeights = _offsets["dense.weight"];
            DenseBias = _offsets["dense.bias"];
            OutputWeights = _offsets["output.weight"];
            OutputBias = _offsets["output.bias"];
        }

        public int Count { get; }

        public int InputWeights { get; }

        public int HiddenWeights { get; }

        public int InputBias { get; }

        public int HiddenBias { get; }

        public int DenseWeights { get; }

        public int DenseBias { get; }

        public int OutputWeights { get; }

        public int OutputBias { get; }

        public int OffsetOf(string name) => _offsets[name];

        private int Find(string suffix) => _offsets.Single(p => p.Key.StartsWith("recurrent.", StringComparison.Ordinal) && p.Key.EndsWith("." + suffix, StringComparison.Ordinal)).Value;
    }

    /// <summary>One chunk's inputs, activations kept for the backward pass, and gradient.</summary>
    private sealed class Chunk(int rows, int window, int hidden, int dense, int parameters)
    {
        public float[] Inputs { get; } = new float[rows * window];

        public float[] Targets { get; } = new float[rows];

        public float[] Outputs { get; } = new float[rows];

        public float[] States { get; } = new float[(window + 1) * rows * hidden];

        public float[] Cells { get; } = new float[(window + 1) * rows * hidden];

        public float[] TanhCells { get; } = new float[window * rows * hidden];

        /// <summary>The gates at each step: activated by the forward pass, their gradients after the backward pass.</summary>
        public float[] Gates { get; } = new float[window * rows * 4 * hidden];

        public float[] Dense { get; } = new float[rows * dense];

        public float[] DenseGradient { get; } = new float[rows * dense];

        public float[] StateGradient { get; } = new float[rows * hidden];

        public float[] CellGradient { get; } = new float[rows * hidden];

        public float[] Gradient { get; } = new float[parameters];

        public double LossSum { get; set; }
    }
}
