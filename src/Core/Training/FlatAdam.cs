using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>
/// Adam exactly as <c>torch.optim.Adam</c> of TorchSharp 0.107 computes it (the same tensor
/// operations with the same scalars, so the same weights bit for bit), but on few tensors instead
/// of one set of operations per parameter: the parameters whose size is a multiple of
/// <see cref="FlatMultiple"/> become views of one flat buffer, their gradients views of another,
/// and each step updates the flat buffer with eight operations. A small network's step was mostly
/// the per-parameter loop's native calls (a fifth of a training step for the course's LSTM).
/// </summary>
internal sealed class FlatAdam : IDisposable
{
    // TorchSharp's optim.Adam(parameters, lr) factory defaults, which the loop used before.
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double Epsilon = 1e-8;

    // libtorch's element-wise kernels run a vectorised loop over chunks of two vectors (16 floats
    // with AVX2, 32 with AVX-512) and a scalar loop over the rest, and the two loops need not round
    // alike. A parameter joins the flat buffer only when its size is a multiple of 64, so that each
    // of its elements lands in the same kind of loop as when it is updated alone, on any CPU.
    private const long FlatMultiple = 64;

    // TorchSharp 0.107 makes a native Scalar for every double passed where a Scalar is expected and
    // leaves it to the finalizer; TorchSharp reads the handle before the native call and does not
    // keep the Scalar alive, so a collection on another thread (a member training beside this one)
    // can free it while libtorch reads it ("Expected false to be true ... Scalar.h ... toDouble").
    // The Scalars used here are made explicitly and held until they are no longer needed, and no
    // overload is called that makes one of its own (add_(Scalar) adds with an implicit alpha of 1).
    private readonly Scalar _one = 1.ToScalar();
    private readonly Scalar _beta1 = Beta1.ToScalar();
    private readonly Scalar _oneMinusBeta1 = (1 - Beta1).ToScalar();
    private readonly Scalar _beta2 = Beta2.ToScalar();
    private readonly Scalar _oneMinusBeta2 = (1 - Beta2).ToScalar();
    private readonly Scalar _epsilon = Epsilon.ToScalar();

    private readonly List<Slot> _slots = [];
    private long _step;

    public FlatAdam(IEnumerable<Parameter> parameters, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        LearningRate = learningRate;
        List<Parameter> all = [.. parameters];
        List<Parameter> flat = [.. all.Where(p => p.numel() % FlatMultiple == 0)];
        using var noGrad = no_grad();
        if (flat.Count > 0)
        {
            long total = flat.Sum(p => p.numel());
            Tensor values = empty(total);
            Tensor gradients = zeros(total);
            long offset = 0;
            foreach (Parameter parameter in flat)
            {
                long size = parameter.numel();
                using Tensor valueView = values.narrow(0, offset, size).view(parameter.shape);
                valueView.copy_(parameter);
                parameter.set_(valueView);
                parameter.grad = gradients.narrow(0, offset, size).view(parameter.shape);
                offset += size;
            }

            _slots.Add(new Slot(values, gradients));
        }

        foreach (Parameter parameter in all.Where(p => p.numel() % FlatMultiple != 0))
        {
            Tensor gradients = zeros_like(parameter);
            parameter.grad = gradients;
            _slots.Add(new Slot(parameter.detach(), gradients));
        }
    }

    public double LearningRate { get; set; }

    public void ZeroGrad()
    {
        foreach (Slot slot in _slots)
        {
            slot.Gradients.zero_();
        }
    }

    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _step++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, _step);
        double biasCorrection2 = 1 - Math.Pow(Beta2, _step);
        double stepSize = LearningRate / biasCorrection1;
        using Scalar sqrtBiasCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
        using Scalar negativeStepSize = (-stepSize).ToScalar();
        foreach (Slot slot in _slots)
        {
            slot.ExpAvg.mul_(_beta1).add_(slot.Gradients, alpha: _oneMinusBeta1);
            slot.ExpAvgSq.mul_(_beta2).addcmul_(slot.Gradients, slot.Gradients, value: _oneMinusBeta2);
            Tensor denominator = (slot.ExpAvgSq.sqrt() / sqrtBiasCorrection2).add_(_epsilon, _one);
            slot.Values.addcdiv_(slot.ExpAvg, denominator, value: negativeStepSize);
        }
    }

    public void Dispose()
    {
        foreach (Slot slot in _slots)
        {
            slot.Dispose();
        }

        _slots.Clear();
        _one.Dispose();
        _beta1.Dispose();
        _oneMinusBeta1.Dispose();
        _beta2.Dispose();
        _oneMinusBeta2.Dispose();
        _epsilon.Dispose();
    }

    private sealed class Slot(Tensor values, Tensor gradients) : IDisposable
    {
        public Tensor Values { get; } = values.DetachFromDisposeScope();

        public Tensor Gradients { get; } = gradients.DetachFromDisposeScope();

        public Tensor ExpAvg { get; } = zeros_like(values).DetachFromDisposeScope();

        public Tensor ExpAvgSq { get; } = zeros_like(values).DetachFromDisposeScope();

        public void Dispose()
        {
            Values.Dispose();
            Gradients.Dispose();
            ExpAvg.Dispose();
            ExpAvgSq.Dispose();
        }
    }
}
