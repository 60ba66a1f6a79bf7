using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Networks;

/// <summary>
/// The sunspot network of the course — recurrent layer → Dense(dense, ReLU) → Dense(1) — over a
/// window of scaled daily values shaped (batch, window, 1). The output is added to the window's
/// last value, so the network learns tomorrow's change from today and starts from the
/// persistence forecast instead of from zero. Returns (batch, 1).
/// </summary>
public sealed class RecurrentRegressor : nn.Module<Tensor, Tensor>
{
    // Field names are part of the saved weights' keys: renaming one breaks stored models.
    private readonly RecurrentLayer recurrent;
    private readonly Linear dense;
    private readonly Linear output;

    // `last + change` would add with an implicit alpha of 1: TorchSharp 0.107 makes a native Scalar
    // for it, leaves it to the finalizer and does not keep it alive during the call, so a garbage
    // collection on another thread could free it while libtorch reads it. This one lives forever.
    private static readonly Scalar One = 1.ToScalar();

    public RecurrentRegressor(RecurrentCell cell, int hiddenSize, int layers, double dropout, int denseSize)
        : base(nameof(RecurrentRegressor))
    {
        recurrent = new RecurrentLayer(cell, inputSize: 1, hiddenSize, layers, dropout);
        dense = nn.Linear(hiddenSize, denseSize);
        output = nn.Linear(denseSize, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor windows)
    {
        using var scope = NewDisposeScope();
        Tensor last = windows[.., -1, ..];
        Tensor change = output.forward(nn.functional.relu(dense.forward(recurrent.forward(windows))));
        return last.add(change, One).MoveToOuterDisposeScope();
    }
}
