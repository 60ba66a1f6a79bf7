using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Networks;

/// <summary>
/// The car-colour network: an LSTM over one-hot encoded symbols 0..(classes-1), shaped
/// (batch, steps, classes), then dropout and Dense(classes). Returns logits (batch, classes).
/// </summary>
public sealed class SequenceClassifier : nn.Module<Tensor, Tensor>
{
    // Field names are part of the saved weights' keys: renaming one breaks stored models.
    private readonly RecurrentLayer recurrent;
    private readonly Linear output;
    private readonly double _dropoutRate;

    // The probability of keeping a feature as an explicit Scalar held by the network: one made
    // implicitly from a double is not kept alive while libtorch reads it (see RecurrentRegressor).
    private readonly Scalar _keepProbability;

    public SequenceClassifier(int classes, int hiddenSize, double dropoutRate)
        : base(nameof(SequenceClassifier))
    {
        recurrent = new RecurrentLayer(RecurrentCell.Lstm, inputSize: classes, hiddenSize, layers: 1, dropout: 0);
        output = nn.Linear(hiddenSize, classes);
        _dropoutRate = dropoutRate;
        _keepProbability = (1 - dropoutRate).ToScalar();
        RegisterComponents();
    }

    /// <summary>
    /// Where training draws its dropout masks. libtorch's own dropout draws from the process-wide
    /// generator, which another training in the same process would advance too.
    /// </summary>
    public Generator? DropoutGenerator { get; set; }

    public override Tensor forward(Tensor oneHotSequences)
    {
        Tensor features = recurrent.forward(oneHotSequences);
        if (training && _dropoutRate > 0)
        {
            using var scope = NewDisposeScope();
            Tensor keep = bernoulli(full_like(features, _keepProbability), DropoutGenerator);
            features = (features * keep).div(_keepProbability).MoveToOuterDisposeScope();
        }

        return output.forward(features);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _keepProbability.Dispose();
        }

        base.Dispose(disposing);
    }
}
