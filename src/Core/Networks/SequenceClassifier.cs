using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Networks;

/// <summary>
/// The car-colour network: an LSTM over one-hot encoded symbols 0..(classes-1), shaped
/// (batch, steps, classes), then Dense(classes). Returns logits (batch, classes).
/// </summary>
public sealed class SequenceClassifier : nn.Module<Tensor, Tensor>
{
    // Field names are part of the saved weights' keys: renaming one breaks stored models.
    private readonly RecurrentLayer recurrent;
    private readonly Dropout dropout;
    private readonly Linear output;

    public SequenceClassifier(int classes, int hiddenSize, double dropoutRate)
        : base(nameof(SequenceClassifier))
    {
        recurrent = new RecurrentLayer(RecurrentCell.Lstm, inputSize: classes, hiddenSize, layers: 1, dropout: 0);
        dropout = nn.Dropout(dropoutRate);
        output = nn.Linear(hiddenSize, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor oneHotSequences) =>
        output.forward(dropout.forward(recurrent.forward(oneHotSequences)));
}
