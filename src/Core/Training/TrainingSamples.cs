using SunspotForecaster.Core.Networks;
using SunspotForecaster.Core.Series;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>
/// The training windows and targets as tensors, made once for every member of an ensemble, and the
/// loss of a mini-batch: the mean squared error, or, with
/// <see cref="ForecasterTrainingOptions.NoiseWeightedLoss"/>, each squared error divided by the
/// day's noise variance (level + offset, as the intervals measure it), weights averaging one.
/// </summary>
internal sealed class TrainingSamples : IDisposable
{
    private readonly Tensor _inputs;
    private readonly Tensor _targets;
    private readonly Tensor? _weights;

    public TrainingSamples(PreparedSeries data, ForecasterTrainingOptions options)
    {
        WindowSet train = data.Train;
        _inputs = tensor(train.Inputs, [train.Count, train.WindowLength, 1]);
        _targets = tensor(train.Targets, [train.Count, 1]);
        if (options.NoiseWeightedLoss)
        {
            var weights = new float[train.Count];
            for (int i = 0; i < train.Count; i++)
            {
                weights[i] = 1 / (MathF.Max(train.LastObservedValue(i), 0) + ForecasterTrainer.IntervalScaleOffset);
            }

            float mean = weights.Average();
            _weights = tensor(weights.Select(w => w / mean).ToArray(), [train.Count, 1]);
        }
    }

    public Tensor Loss(RecurrentRegressor network, Tensor indices)
    {
        Tensor forecasts = network.forward(_inputs.index_select(0, indices));
        Tensor targets = _targets.index_select(0, indices);
        return _weights is null
            ? nn.functional.mse_loss(forecasts, targets)
            : (_weights.index_select(0, indices) * (forecasts - targets).square()).mean();
    }

    public void Dispose()
    {
        _inputs.Dispose();
        _targets.Dispose();
        _weights?.Dispose();
    }
}
