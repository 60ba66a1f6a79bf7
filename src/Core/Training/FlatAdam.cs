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
        foreach (Slot slot in _slots)
        {
            slot.ExpAvg.mul_(Beta1).add_(slot.Gradients, alpha: 1 - Beta1);
            slot.ExpAvgSq.mul_(Beta2).addcmul_(slot.Gradients, slot.Gradients, value: 1 - Beta2);
            Tensor denominator = (slot.ExpAvgSq.sqrt() / Math.Sqrt(biasCorrection2)).add_(Epsilon);
            slot.Values.addcdiv_(slot.ExpAvg, denominator, value: -stepSize);
        }
    }

    public void Dispose()
    {
        foreach (Slot slot in _slots)
        {
            slot.Dispose();
        }

        _slots.Clear();
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
