using System.Runtime.CompilerServices;
using SunspotForecaster.Models.Networks;

namespace SunspotForecaster.Models.Engine;

/// <summary>
/// One <see cref="RecurrentRegressor"/> in managed code: its flat weights (in
/// <see cref="NetworkLayout"/> order) made ready for the products, and the forward pass over a
/// batch of windows — the recurrent layers (<see cref="RecurrentStack"/>), the dense ReLU layer and
/// the output added to the window's last value. Training (<see cref="Training.ManagedLstmSteps"/>),
/// validation and serving all run this one pass; a single forecast is a batch of one row and gets
/// the same sums (products add in the inner index's order whatever the row count). Results agree
/// with libtorch's to float rounding, not bit for bit. Not thread-safe while <see cref="Prepare"/>
/// runs; <see cref="Forward"/> only reads the weights, so threads share them, each with its own
/// <see cref="RegressorWorkspace"/>.
/// </summary>
public sealed class ManagedRegressor
{
    private readonly RecurrentStack _recurrent;
    private readonly int _hidden;
    private readonly int _dense;
    private readonly float[] _denseScales;
    private readonly float[] _denseWeightsT;

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
        _hidden = shape.HiddenSize;
        _dense = shape.DenseSize;
        _recurrent = new RecurrentStack(shape.Cell, inputs: 1, shape.HiddenSize, shape.Layers);
        _denseScales = [.. Enumerable.Repeat(1f, _dense)];
        _denseWeightsT = new float[_hidden * _dense];
        Prepare();
    }

    /// <summary>The network's shape.</summary>
    public RegressorShape Shape { get; }

    /// <summary>Where each parameter sits in <see cref="Weights"/>.</summary>
    public NetworkLayout Layout { get; }

    /// <summary>The flat weights the pass reads (after <see cref="Prepare"/>): training updates them in place.</summary>
    public float[] Weights { get; }

    /// <summary>Makes the transposed copies from <see cref="Weights"/>: after every change to them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Prepare()
    {
        _recurrent.Prepare(Weights, Layout);
        RecurrentStack.Transpose(Weights.AsSpan(Layout["dense.weight"].Offset, _dense * _hidden), _denseScales, _hidden, _denseWeightsT);
    }

    /// <summary>
    /// The forecasts (scaled) for the day after each of the first <paramref name="rows"/> windows in
    /// <paramref name="work"/>'s <see cref="RegressorWorkspace.Inputs"/> (scaled, row after row),
    /// into its <see cref="RegressorWorkspace.Outputs"/>; the workspace keeps what back-propagation
    /// needs (see there).
    /// </summary>
    public void Forward(RegressorWorkspace work, int rows)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, work.Rows);
        _recurrent.Forward(work.Inputs, rows, work.Window, work.Layers, work.HiddenGates);
        Head(work, rows);
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

        SmallMatrices.MultiplyAdd(last, hidden, 1, _denseWeightsT, dense, z, dense, rows, hidden, dense);
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
}
