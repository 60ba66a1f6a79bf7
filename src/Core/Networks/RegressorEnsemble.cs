using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Networks;

/// <summary>
/// Several <see cref="RecurrentRegressor"/>s of one shape, trained from different seeds, answering
/// as one: the mean of their forecasts, (batch, window, 1) → (batch, 1). One member answers
/// exactly as that member alone.
/// </summary>
public sealed class RegressorEnsemble : nn.Module<Tensor, Tensor>
{
    // Field name is part of the saved weights' keys ("members.0.recurrent…"): renaming it breaks stored models.
    private readonly ModuleList<RecurrentRegressor> members;

    public RegressorEnsemble(IReadOnlyList<RecurrentRegressor> members)
        : base(nameof(RegressorEnsemble))
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        this.members = nn.ModuleList([.. members]);
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
            sum = sum + members[i].forward(windows);
        }

        return (sum / members.Count).MoveToOuterDisposeScope();
    }
}
