using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Networks;

/// <summary>
/// Several <see cref="RecurrentRegressor"/>s of one shape, trained from different seeds, answering
/// as one: the mean of their forecasts, (batch, window, 1) → (batch, 1). One member answers
/// exactly as that member alone.
/// </summary>
public sealed class RegressorEnsemble : nn.Module<Tensor, Tensor>
{
    // Field name is part of the saved weights' keys ("members.0.recurrent…"): renaming it breaks stored models.
    private readonly ModuleList<RecurrentRegressor> members;

    // Explicit Scalars that live as long as the ensemble: ones made implicitly from numbers (the
    // alpha of `a + b`, the divisor of `a / n`) are not kept alive while libtorch reads them (see
    // RecurrentRegressor).
    private readonly Scalar _one = 1.ToScalar();
    private readonly Scalar _count;

    public RegressorEnsemble(IReadOnlyList<RecurrentRegressor> members)
        : base(nameof(RegressorEnsemble))
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        this.members = nn.ModuleList([.. members]);
        _count = members.Count.ToScalar();
        RegisterComponents();
    }

    public int Count => members.Count;

    public RecurrentRegressor this[int index] => members[index];

    public override Tensor forward(Tensor windows)
    {
        if (members.Count == 1)
        {
            return members[0].forward(windows);
        }

        using var scope = NewDisposeScope();
        Tensor sum = members[0].forward(windows);
        for (int i = 1; i < members.Count; i++)
        {
            sum = sum.add(members[i].forward(windows), _one);
        }

        return sum.div(_count).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _one.Dispose();
            _count.Dispose();
        }

        base.Dispose(disposing);
    }
}
