using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>How a training run went; the model holds the best epoch's weights.</summary>
public sealed record TrainingRun(int Epochs, int BestEpoch, double BestValidationLoss, StopReason StopReason, double TrainSeconds)
{
    public bool StoppedEarly => StopReason == StopReason.EarlyStopping;

    public double SecondsPerEpoch => Epochs == 0 ? 0 : TrainSeconds / Epochs;
}
