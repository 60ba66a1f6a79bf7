using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Networks;

/// <summary>
/// The sunspot network of the course — recurrent layer → Dense(dense, ReLU) → Dense(1) — over a
/// window of scaled daily values shaped (batch, window, 1). The output is added to the window's
/// last value, so the network learns tomorrow's change from today and starts from the
/// persistence forecast instead of from zero. With a skip window, a linear term of the whole window
/// (an autoregression, starting at zero) is added too: the weighted averages that smooth the day's
/// noise are exact in it, where the recurrent layer only approximates them. Returns (batch, 1).
/// </summary>
public sealed class RecurrentRegressor : nn.Module<Tensor, Tensor>
{
    // Field names are part of the saved weights' keys: renaming one breaks stored models.
    private readonly RecurrentLayer recurrent;
    private readonly Linear dense;
    private readonly Linear output;
    private readonly Linear? skip;

    public RecurrentRegressor(RecurrentCell cell, int hiddenSize, int layers, double dropout, int denseSize, int skipWindow = 0)
        : base(nameof(RecurrentRegressor))
    {
        recurrent = new RecurrentLayer(cell, inputSize: 1, hiddenSize, layers, dropout);
        dense = nn.Linear(hiddenSize, denseSize);
        output = nn.Linear(denseSize, 1);
        if (skipWindow > 0)
        {
            skip = nn.Linear(skipWindow, 1, hasBias: false);
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor windows)
    {
        using var scope = NewDisposeScope();
        Tensor last = windows[.., -1, ..];
        Tensor change = output.forward(nn.functional.relu(dense.forward(recurrent.forward(windows))));
        if (skip is not null)
        {
            change = change + skip.forward(windows.flatten(1));
        }

        return (last + change).MoveToOuterDisposeScope();
    }
}
