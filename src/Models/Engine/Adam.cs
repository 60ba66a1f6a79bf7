using System.Numerics;
using System.Runtime.CompilerServices;

namespace SunspotForecaster.Models.Engine;

/// <summary>
/// Adam on flat weights, with the rounding of <c>torch.optim.Adam</c> of TorchSharp 0.107 on
/// libtorch's CPU kernels (tested bit for bit): m ← fma(g, 1 − β₁, m·β₁), v ← v·β₂ + ((1 − β₂)·g)·g,
/// w ← w + (−step·m) / (√v / √(1 − β₂ᵗ) + ε) with step = lr / (1 − β₁ᵗ) in double, each scalar cast
/// to float as libtorch casts it. Optionally an exponential moving average of the weights, whose
/// decay grows to the one asked for so the starting weights do not linger in it (TensorFlow's
/// ExponentialMovingAverage). Both engines train with this one update: the managed one on its own
/// weights, the TorchSharp one on its parameters' values and gradients copied in and out.
/// Updates of disjoint slices may run on several threads (<see cref="Update"/>).
/// </summary>
public sealed class Adam
{
    // TorchSharp's optim.Adam(parameters, lr) defaults.
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    private readonly float[] _expAvg;
    private readonly float[] _expAvgSq;
    private readonly double _learningRate;
    private readonly double? _averageDecay;
    private float _stepSize;
    private float _sqrtBiasCorrection2;
    private float _averageWeight;
    private float _averageComplement;
    private bool _averageStarts;

    /// <param name="count">How many weights it updates.</param>
    /// <param name="learningRate">Adam's learning rate.</param>
    /// <param name="averageDecay">When set, the moving average of the weights is kept with this decay per step (<see cref="Average"/>).</param>
    public Adam(int count, double learningRate, double? averageDecay = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _expAvg = new float[count];
        _expAvgSq = new float[count];
        _learningRate = learningRate;
        _averageDecay = averageDecay;
    }

    /// <summary>Steps begun so far.</summary>
    public long Steps { get; private set; }

    /// <summary>The weights' moving average after the last step; null without averaging or before the first step.</summary>
    public float[]? Average { get; private set; }

    /// <summary>Starts a step: the scalars every slice's <see cref="Update"/> uses (call once per step, then update every weight).</summary>
    public void BeginStep()
    {
        Steps++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, Steps);
        _stepSize = (float)(_learningRate / biasCorrection1);
        _sqrtBiasCorrection2 = (float)Math.Sqrt(1 - Math.Pow(Beta2, Steps));
        if (_averageDecay is double decay)
        {
            double weight = Math.Min(decay, (1.0 + Steps) / (10.0 + Steps));
            _averageWeight = (float)weight;
            _averageComplement = (float)(1 - weight);
            _averageStarts = Average is null;
            Average ??= new float[_expAvg.Length];
        }
    }

    /// <summary>Updates weights lo..hi-1 from their <paramref name="gradient"/> (indexed as the weights), then their average.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Update(Span<float> weights, ReadOnlySpan<float> gradient, int lo, int hi)
    {
        if (weights.Length != _expAvg.Length || gradient.Length < hi)
        {
            throw new ArgumentException($"Adam updates {_expAvg.Length} weights; {weights.Length} were given with {gradient.Length} gradients.", nameof(weights));
        }

        float beta1 = (float)Beta1, oneMinusBeta1 = (float)(1 - Beta1);
        float beta2 = (float)Beta2, oneMinusBeta2 = (float)(1 - Beta2);
        float epsilon = (float)Epsilon;
        float negativeStep = -_stepSize;
        float correction = _sqrtBiasCorrection2;
        Span<float> m = _expAvg;
        Span<float> v = _expAvgSq;
        int i = lo;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            var beta1V = new Vector<float>(beta1);
            var oneMinusBeta1V = new Vector<float>(oneMinusBeta1);
            var beta2V = new Vector<float>(beta2);
            var oneMinusBeta2V = new Vector<float>(oneMinusBeta2);
            var epsilonV = new Vector<float>(epsilon);
            var correctionV = new Vector<float>(correction);
            var stepV = new Vector<float>(negativeStep);
            for (; i <= hi - width; i += width)
            {
                var g = new Vector<float>(gradient[i..]);
                Vector<float> mi = Vector.FusedMultiplyAdd(g, oneMinusBeta1V, new Vector<float>(m[i..]) * beta1V);
                Vector<float> vi = new Vector<float>(v[i..]) * beta2V + oneMinusBeta2V * g * g;
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                (new Vector<float>(weights[i..]) + stepV * mi / (Vector.SquareRoot(vi) / correctionV + epsilonV)).CopyTo(weights[i..]);
            }
        }

        for (; i < hi; i++)
        {
            float g = gradient[i];
            m[i] = MathF.FusedMultiplyAdd(g, oneMinusBeta1, m[i] * beta1);
            v[i] = v[i] * beta2 + oneMinusBeta2 * g * g;
            weights[i] += negativeStep * m[i] / (MathF.Sqrt(v[i]) / correction + epsilon);
        }

        if (Average is float[] averageWeights)
        {
            Span<float> average = averageWeights.AsSpan(lo, hi - lo);
            ReadOnlySpan<float> current = weights[lo..hi];
            if (_averageStarts)
            {
                current.CopyTo(average);
            }

            float weight = _averageWeight, complement = _averageComplement;
            for (int k = 0; k < average.Length; k++)
            {
                average[k] = MathF.FusedMultiplyAdd(current[k], complement, average[k] * weight);
            }
        }
    }
}
