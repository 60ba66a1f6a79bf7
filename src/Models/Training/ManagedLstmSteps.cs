using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Models.Training;

/// <summary>
/// Trains a one-layer LSTM <see cref="ManagedRegressor"/> in managed code: the engine's forward
/// pass over the window, back-propagation through time, the mean squared error and the engine's
/// <see cref="Adam"/> (with its moving average of the weights); validation forecasts come from the
/// same forward pass. libtorch ran this network as oneDNN's RNN primitives, whose calls on such
/// small matrices (a 32 × 256 gate product per step) cost several times their arithmetic; here
/// each step is a register-blocked product (<see cref="SmallMatrices"/>) and vectorised passes
/// over the gates, with nothing allocated per batch.
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

    private readonly ManagedRegressor _network;
    private readonly float[] _inputs;
    private readonly float[] _targets;
    private readonly int _window;
    private readonly int _hidden;
    private readonly int _gates;
    private readonly int _dense;
    private readonly Offsets _layout;
    private readonly int _threads;
    private readonly int _chunkRows;

    private readonly Adam _adam;
    private readonly float[] _gradient;
    private readonly float[] _best;
    private bool _hasBest;

    // Validation runs the weights it validates (the moving average once there is one) through a
    // network of its own, so that the one being trained keeps its prepared weights.
    private readonly ManagedRegressor _validated;

    private readonly Chunk[] _chunks;
    private readonly ChunkWorkers _workers;
    private readonly Action<int> _runChunk;
    private readonly Action<int> _runUpdate;
    private long[] _order = [];
    private int _batchStart;
    private int _batchSize;
    private int _batchChunks;
    private double _lossSum;

    /// <param name="network">The network to train: its weights are updated in place, and hold the best ones after <see cref="RestoreBest"/>.</param>
    public ManagedLstmSteps(ManagedRegressor network, WindowSet train, int batchSize, double learningRate, double? averageDecay, int threads)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        RegressorShape shape = network.Shape;
        if (!Supports(shape))
        {
            throw new ArgumentException($"Managed training runs a one-layer LSTM, not {shape.Layers} layer(s) of {shape.Cell}.", nameof(network));
        }

        _network = network;
        _inputs = train.Inputs;
        _targets = train.Targets;
        _window = train.WindowLength;
        _hidden = shape.HiddenSize;
        _gates = 4 * shape.HiddenSize;
        _dense = shape.DenseSize;
        _threads = Math.Max(1, threads);
        _layout = new Offsets(network.Layout);
        int count = network.Layout.Count;
        _adam = new Adam(count, learningRate, averageDecay);
        _gradient = new float[count];
        _best = new float[count];
        _validated = new ManagedRegressor(shape, new float[count]);

        int rows = Math.Max(MinChunkRows, (batchSize + MaxChunks - 1) / MaxChunks);
        _chunkRows = rows;
        int chunks = (Math.Min(batchSize, Math.Max(train.Count, 1)) + rows - 1) / rows;
        _chunks = [.. Enumerable.Range(0, Math.Max(chunks, 1)).Select(_ => new Chunk(shape, rows, _window, count))];
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
        _network.Prepare();
        _batchStart = start;
        _batchSize = size;
        _batchChunks = (size + _chunkRows - 1) / _chunkRows;
        _workers.Run(_batchChunks, _runChunk);
        for (int c = 0; c < _batchChunks; c++)
        {
            _lossSum += _chunks[c].LossSum;
        }

        // The update runs in slices of the parameters on the same threads; each parameter's
        // arithmetic is its own, so the slicing changes nothing.
        _adam.BeginStep();
        _workers.Run(_workers.Threads, _runUpdate);
    }

    public double EndEpoch()
    {
        double sum = _lossSum;
        _lossSum = 0;
        return sum;
    }

    // Validation reads the validated weights itself (PredictNextDay).
    public IDisposable? UseAverage() => null;

    public void KeepBest()
    {
        Validated.CopyTo(_best, 0);
        _hasBest = true;
    }

    public void RestoreBest()
    {
        (_hasBest ? _best : Validated).CopyTo(_network.Weights, 0);

        // The forward pass reads the transposed copies: without this, the trained model scored and
        // chose its lead methods with the last step's weights, and its package held the best ones.
        _network.Prepare();
    }

    /// <summary>The last mini-batch's gradient, in the order of the network's parameters (for tests).</summary>
    internal ReadOnlySpan<float> Gradient => _gradient;

    public void Dispose() => _workers.Dispose();

    // The weights the loop validates and keeps: the moving average once there is one.
    private float[] Validated => _adam.Average ?? _network.Weights;

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

        Validated.CopyTo(_validated.Weights, 0);
        _validated.Prepare();
        var forecasts = new float[windows.Count];
        int chunks = (windows.Count + _chunkRows - 1) / _chunkRows;
        int workers = Math.Min(Math.Min(_threads, _chunks.Length), chunks);
        void Work(int worker)
        {
            RegressorWorkspace work = _chunks[worker].Work;
            for (int c = worker; c < chunks; c += workers)
            {
                int first = c * _chunkRows;
                int rows = Math.Min(_chunkRows, windows.Count - first);
                windows.Inputs.AsSpan(first * _window, rows * _window).CopyTo(work.Inputs);
                _validated.Forward(work, rows);
                for (int r = 0; r < rows; r++)
                {
                    forecasts[first + r] = scaler.Unscale(work.Outputs[r]);
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
        ReadOnlySpan<float> w = _network.Weights;
        ReadOnlySpan<float> hiddenWeights = w.Slice(_layout.HiddenWeights, gates * hidden);
        ReadOnlySpan<float> denseWeights = w.Slice(_layout.DenseWeights, dense * hidden);
        ReadOnlySpan<float> outputWeights = w.Slice(_layout.OutputWeights, dense);

        RegressorWorkspace work = chunk.Work;
        RegressorWorkspace.LayerCache cache = work.Layers[0];
        Span<float> x = work.Inputs;
        for (int r = 0; r < rows; r++)
        {
            long example = _order[start + r];
            _inputs.AsSpan((int)(example * window), window).CopyTo(x.Slice(r * window, window));
            chunk.Targets[r] = _targets[example];
        }

        _network.Forward(work, rows);
        int stateSize = rows * hidden;
        Span<float> last = cache.States.AsSpan(window * stateSize, stateSize);
        Span<float> z = work.Dense.AsSpan(0, rows * dense);

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
            float error = work.Outputs[r] - chunk.Targets[r];
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
            Span<float> gateGradient = cache.Gates.AsSpan(t * rows * gates, rows * gates);
            for (int r = 0; r < rows; r++)
            {
                CellBackward(
                    gateGradient.Slice(r * gates, gates),
                    cache.Cells.AsSpan(t * stateSize + r * hidden, hidden),
                    cache.TanhCells.AsSpan(t * stateSize + r * hidden, hidden),
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
                cache.Gates.AsSpan(rows * gates, (window - 1) * rows * gates), 1, gates,
                cache.States.AsSpan(stateSize, (window - 1) * stateSize), hidden,
                gradient.Slice(_layout.HiddenWeights, gates * hidden), hidden, gates, (window - 1) * rows, hidden);
        }

        // dL/dW_ih[g] = Σ dgates·x; both biases get Σ dgates.
        Span<float> gradientBias = gradient.Slice(_layout.InputBias, gates);
        InputGradients(chunk, rows, gradient.Slice(_layout.InputWeights, gates), gradientBias);
        gradientBias.CopyTo(gradient.Slice(_layout.HiddenBias, gates));
    }


    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void InputGradients(Chunk chunk, int rows, Span<float> inputWeights, Span<float> bias)
    {
        int window = _window;
        int gates = _gates;
        ReadOnlySpan<float> gateGradients = chunk.Work.Layers[0].Gates;
        ReadOnlySpan<float> x = chunk.Work.Inputs;
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
        slice >= _workers.Threads ? _gradient.Length : (int)((long)_gradient.Length * slice / _workers.Threads) / Vector<float>.Count * Vector<float>.Count;

    // For the parameters lo..hi-1: the chunks' gradients added in chunk order, then Adam.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update(int lo, int hi)
    {
        Span<float> gradient = _gradient.AsSpan(lo, hi - lo);
        _chunks[0].Gradient.AsSpan(lo, hi - lo).CopyTo(gradient);
        for (int c = 1; c < _batchChunks; c++)
        {
            ReadOnlySpan<float> chunk = _chunks[c].Gradient.AsSpan(lo, hi - lo);
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; i <= gradient.Length - Vector<float>.Count; i += Vector<float>.Count)
                {
                    (new Vector<float>(gradient[i..]) + new Vector<float>(chunk[i..])).CopyTo(gradient[i..]);
                }
            }

            for (; i < gradient.Length; i++)
            {
                gradient[i] += chunk[i];
            }
        }

        _adam.Update(_network.Weights, _gradient, lo, hi);
    }

    /// <summary>Where the one-layer LSTM's parameters sit in the flat weights.</summary>
    private sealed class Offsets(NetworkLayout layout)
    {
        public int InputWeights { get; } = layout["recurrent.lstm.weight_ih_l0"].Offset;

        public int HiddenWeights { get; } = layout["recurrent.lstm.weight_hh_l0"].Offset;

        public int InputBias { get; } = layout["recurrent.lstm.bias_ih_l0"].Offset;

        public int HiddenBias { get; } = layout["recurrent.lstm.bias_hh_l0"].Offset;

        public int DenseWeights { get; } = layout["dense.weight"].Offset;

        public int DenseBias { get; } = layout["dense.bias"].Offset;

        public int OutputWeights { get; } = layout["output.weight"].Offset;

        public int OutputBias { get; } = layout["output.bias"].Offset;
    }

    /// <summary>One chunk's forward pass (inputs and what it keeps), targets and gradients.</summary>
    private sealed class Chunk(RegressorShape shape, int rows, int window, int parameters)
    {
        public RegressorWorkspace Work { get; } = new(shape, window, rows);

        public float[] Targets { get; } = new float[rows];

        public float[] DenseGradient { get; } = new float[rows * shape.DenseSize];

        public float[] StateGradient { get; } = new float[rows * shape.HiddenSize];

        public float[] CellGradient { get; } = new float[rows * shape.HiddenSize];

        public float[] Gradient { get; } = new float[parameters];

        public double LossSum { get; set; }
    }
}
