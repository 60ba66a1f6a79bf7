using System.Numerics;
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

    private readonly Chunk[] _chunks;
    private readonly ChunkWorkers _workers;
    private readonly Action<int> _runChunk;
    private long[] _order = [];
    private int _batchStart;
    private int _batchSize;
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

        int rows = Math.Max(MinChunkRows, (batchSize + MaxChunks - 1) / MaxChunks);
        _chunkRows = rows;
        int chunks = (Math.Min(batchSize, Math.Max(train.Count, 1)) + rows - 1) / rows;
        _chunks = [.. Enumerable.Range(0, Math.Max(chunks, 1)).Select(_ => new Chunk(rows, _window, _hidden, _dense, _layout.Count))];
        _workers = new ChunkWorkers(Math.Min(_threads, _chunks.Length));
        _runChunk = c => RunChunk(_chunks[c], _batchStart + c * _chunkRows, Math.Min(_chunkRows, _batchSize - c * _chunkRows), _batchSize);
    }

    /// <summary>Whether <paramref name="shape"/> is a network this class trains: one LSTM layer (dropout acts between layers only).</summary>
    public static bool Supports(RegressorShape shape) => shape.Cell == RecurrentCell.Lstm && shape.Layers == 1;

    public void BeginEpoch(long[] order) => _order = order;

    public void Step(int start, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, _chunkRows * _chunks.Length);
        PrepareWeights(_weights);
        int chunks = (size + _chunkRows - 1) / _chunkRows;
        _batchStart = start;
        _batchSize = size;
        _workers.Run(chunks, _runChunk);

        // The chunks' gradients and losses added in chunk order, whatever ran them.
        _chunks[0].Gradient.CopyTo(_gradient, 0);
        _lossSum += _chunks[0].LossSum;
        for (int c = 1; c < chunks; c++)
        {
            Add(_chunks[c].Gradient, _gradient);
            _lossSum += _chunks[c].LossSum;
        }

        AdamStep();
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

    private void PrepareWeights(float[] weights)
    {
        ReadOnlySpan<float> hiddenWeights = weights.AsSpan(_layout.HiddenWeights, _gates * _hidden);
        for (int g = 0; g < _gates; g++)
        {
            float scale = IsCandidate(g) ? 2 : 1;
            for (int k = 0; k < _hidden; k++)
            {
                _hiddenWeightsT[k * _gates + g] = scale * hiddenWeights[g * _hidden + k];
            }

            _inputWeights[g] = scale * weights[_layout.InputWeights + g];
            _bias[g] = scale * (weights[_layout.InputBias + g] + weights[_layout.HiddenBias + g]);
        }

        ReadOnlySpan<float> denseWeights = weights.AsSpan(_layout.DenseWeights, _dense * _hidden);
        for (int d = 0; d < _dense; d++)
        {
            for (int k = 0; k < _hidden; k++)
            {
                _denseWeightsT[k * _dense + d] = denseWeights[d * _hidden + k];
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
            Span<float> activations = chunk.Activations.AsSpan(t * rows * gates, rows * gates);
            Span<float> gateGradient = chunk.GateGradients.AsSpan(t * rows * gates, rows * gates);
            for (int r = 0; r < rows; r++)
            {
                CellBackward(
                    activations.Slice(r * gates, gates),
                    chunk.Cells.AsSpan(t * stateSize + r * hidden, hidden),
                    chunk.TanhCells.AsSpan(t * stateSize + r * hidden, hidden),
                    dh.Slice(r * hidden, hidden),
                    dc.Slice(r * hidden, hidden),
                    gateGradient.Slice(r * gates, gates));
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
                chunk.GateGradients.AsSpan(rows * gates, (window - 1) * rows * gates), 1, gates,
                chunk.States.AsSpan(stateSize, (window - 1) * stateSize), hidden,
                gradient.Slice(_layout.HiddenWeights, gates * hidden), hidden, gates, (window - 1) * rows, hidden);
        }

        // dL/dW_ih[g] = Σ dgates·x; both biases get Σ dgates.
        Span<float> gradientInputWeights = gradient.Slice(_layout.InputWeights, gates);
        Span<float> gradientBias = gradient.Slice(_layout.InputBias, gates);
        for (int t = 0; t < window; t++)
        {
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> row = chunk.GateGradients.AsSpan((t * rows + r) * gates, gates);
                MultiplyAdd(x[r * window + t], row, gradientInputWeights, gradientInputWeights);
                Add(row, gradientBias);
            }
        }

        gradientBias.CopyTo(gradient.Slice(_layout.HiddenBias, gates));
    }

    // The forward pass over the chunk's first rows (inputs in place): keeps what the backward pass
    // needs, and each row's forecast (scaled) in Outputs. States[t] is the hidden state before step
    // t (States[0] = 0), Cells likewise.
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
            Span<float> activations = chunk.Activations.AsSpan(t * rows * gates, rows * gates);
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
            Span<float> nextCells = chunk.Cells.AsSpan((t + 1) * stateSize, stateSize);
            for (int r = 0; r < rows; r++)
            {
                CellForward(activations.Slice(r * gates, gates), chunk.Cells.AsSpan(t * stateSize + r * hidden, hidden), nextCells.Slice(r * hidden, hidden));
            }

            Span<float> tanhCells = chunk.TanhCells.AsSpan(t * stateSize, stateSize);
            nextCells.CopyTo(tanhCells);
            Activations.FastTanh(tanhCells);
            for (int r = 0; r < rows; r++)
            {
                Multiply(activations.Slice(r * gates + 3 * hidden, hidden), tanhCells.Slice(r * hidden, hidden), chunk.States.AsSpan((t + 1) * stateSize + r * hidden, hidden));
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

    // g = 2·s − 1 (the candidate's tanh from the sigmoid of its doubled input, kept for the
    // backward pass), then c' = f·c + i·g; gates hold the activated i, f, and o.
    private void CellForward(Span<float> gates, ReadOnlySpan<float> cell, Span<float> nextCell)
    {
        int hidden = _hidden;
        ReadOnlySpan<float> input = gates[..hidden];
        ReadOnlySpan<float> forget = gates.Slice(hidden, hidden);
        Span<float> candidate = gates.Slice(2 * hidden, hidden);
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var two = new Vector<float>(2);
            for (; j <= hidden - Vector<float>.Count; j += Vector<float>.Count)
            {
                Vector<float> g = two * new Vector<float>(candidate[j..]) - Vector<float>.One;
                g.CopyTo(candidate[j..]);
                (new Vector<float>(forget[j..]) * new Vector<float>(cell[j..]) + new Vector<float>(input[j..]) * g).CopyTo(nextCell[j..]);
            }
        }

        for (; j < hidden; j++)
        {
            candidate[j] = 2 * candidate[j] - 1;
            nextCell[j] = forget[j] * cell[j] + input[j] * candidate[j];
        }
    }

    // From dL/dh and dL/dc after the step to the gates' pre-activation gradients; dL/dh and dL/dc
    // are left as dL/dc before the step (dc) and a partial dL/dh (the caller adds dgates·W_hh).
    private void CellBackward(ReadOnlySpan<float> gates, ReadOnlySpan<float> cell, ReadOnlySpan<float> tanhCell, ReadOnlySpan<float> dh, Span<float> dc, Span<float> gateGradient)
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
                (dhv * tc * o * (one - o)).CopyTo(gateGradient[(3 * hidden + j)..]);
                (dcv * g * i * (one - i)).CopyTo(gateGradient[j..]);
                (dcv * i * (one - g * g)).CopyTo(gateGradient[(2 * hidden + j)..]);
                (dcv * new Vector<float>(cell[j..]) * f * (one - f)).CopyTo(gateGradient[(hidden + j)..]);
                (dcv * f).CopyTo(dc[j..]);
            }
        }

        for (; j < hidden; j++)
        {
            float i = gates[j], f = gates[hidden + j], g = gates[2 * hidden + j], o = gates[3 * hidden + j];
            float tc = tanhCell[j];
            float dcv = dc[j] + dh[j] * o * (1 - tc * tc);
            gateGradient[3 * hidden + j] = dh[j] * tc * o * (1 - o);
            gateGradient[j] = dcv * g * i * (1 - i);
            gateGradient[2 * hidden + j] = dcv * i * (1 - g * g);
            gateGradient[hidden + j] = dcv * cell[j] * f * (1 - f);
            dc[j] = dcv * f;
        }
    }

    // Adam as torch.optim.Adam computes it, then the moving average (see FlatAdam).
    private void AdamStep()
    {
        _step++;
        float biasCorrection1 = (float)(1 - Math.Pow(Beta1, _step));
        float sqrtBiasCorrection2 = (float)Math.Sqrt(1 - Math.Pow(Beta2, _step));
        float stepSize = _learningRate / biasCorrection1;
        Span<float> weights = _weights;
        ReadOnlySpan<float> gradient = _gradient;
        Span<float> m = _expAvg;
        Span<float> v = _expAvgSq;
        int n = weights.Length;
        int i = 0;
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
            for (; i <= n - width; i += width)
            {
                var g = new Vector<float>(gradient[i..]);
                Vector<float> mi = new Vector<float>(m[i..]) * beta1 + g * oneMinusBeta1;
                Vector<float> vi = new Vector<float>(v[i..]) * beta2 + g * g * oneMinusBeta2;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (new Vector<float>(weights[i..]) - step * mi / (Vector.SquareRoot(vi) / correction + epsilon)).CopyTo(weights[i..]);
            }
        }

        for (; i < n; i++)
        {
            float g = gradient[i];
            m[i] = m[i] * Beta1 + g * (1 - Beta1);
            v[i] = v[i] * Beta2 + g * g * (1 - Beta2);
            weights[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) / sqrtBiasCorrection2 + Epsilon);
        }

        if (_averageDecay is double decay)
        {
            float weight = (float)Math.Min(decay, (1.0 + _step) / (10.0 + _step));
            _average ??= (float[])_weights.Clone();
            Span<float> average = _average;
            for (int k = 0; k < n; k++)
            {
                average[k] = average[k] * weight + weights[k] * (1 - weight);
            }
        }
    }

    // y = a·x + b, element-wise.
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

    private static void Add(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(y[i..]) + new Vector<float>(x[i..])).CopyTo(y[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] += x[i];
        }
    }

    private static void Multiply(ReadOnlySpan<float> a, Span<float> b, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                (new Vector<float>(a[i..]) * new Vector<float>(b[i..])).CopyTo(y[i..]);
            }
        }

        for (; i < y.Length; i++)
        {
            y[i] = a[i] * b[i];
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

        public float[] Activations { get; } = new float[window * rows * 4 * hidden];

        public float[] GateGradients { get; } = new float[window * rows * 4 * hidden];

        public float[] Dense { get; } = new float[rows * dense];

        public float[] DenseGradient { get; } = new float[rows * dense];

        public float[] StateGradient { get; } = new float[rows * hidden];

        public float[] CellGradient { get; } = new float[rows * hidden];

        public float[] Gradient { get; } = new float[parameters];

        public double LossSum { get; set; }
    }
}
