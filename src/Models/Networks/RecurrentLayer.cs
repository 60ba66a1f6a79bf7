using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Networks;

/// <summary>
/// An LSTM, GRU or Elman RNN over batch-first sequences that returns the last step's hidden state
/// of the top layer: (batch, steps, features) → (batch, hidden).
/// </summary>
public sealed class RecurrentLayer : nn.Module<Tensor, Tensor>
{
    // Field names are part of the saved weights' keys: renaming one breaks stored models.
    private readonly LSTM? lstm;
    private readonly GRU? gru;
    private readonly RNN? rnn;

    public RecurrentLayer(RecurrentCell cell, int inputSize, int hiddenSize, int layers, double dropout)
        : base(nameof(RecurrentLayer))
    {
        // Dropout applies between stacked layers only, as in PyTorch.
        double between = layers > 1 ? dropout : 0;
        switch (cell)
        {
            case RecurrentCell.Lstm:
                lstm = nn.LSTM(inputSize, hiddenSize, layers, batchFirst: true, dropout: between);
                break;
            case RecurrentCell.Gru:
                gru = nn.GRU(inputSize, hiddenSize, layers, batchFirst: true, dropout: between);
                break;
            case RecurrentCell.Rnn:
                rnn = nn.RNN(inputSize, hiddenSize, layers, batchFirst: true, dropout: between);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown recurrent cell.");
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        Tensor output = lstm is not null ? lstm.forward(input).Item1
            : gru is not null ? gru.forward(input).Item1
            : rnn!.forward(input, null).Item1;
        return output[.., -1, ..];
    }
}
