using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Series;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Training;

/// <summary>
/// The training windows and targets as tensors, made once and shared (read only) by every member of
/// an ensemble, and the mean squared error of a mini-batch.
/// </summary>
internal sealed class TrainingSamples : IDisposable
{
    private readonly Tensor _inputs;
    private readonly Tensor _targets;

    public TrainingSamples(PreparedSeries data)
    {
        WindowSet train = data.Train;
        _inputs = tensor(train.Inputs, [train.Count, train.WindowLength, 1]);
        _targets = tensor(train.Targets, [train.Count, 1]);
    }

    public Tensor Loss(RecurrentRegressor network, Tensor indices) =>
        nn.functional.mse_loss(network.forward(_inputs.index_select(0, indices)), _targets.index_select(0, indices));

    public void Dispose()
    {
        _inputs.Dispose();
        _targets.Dispose();
    }
}
