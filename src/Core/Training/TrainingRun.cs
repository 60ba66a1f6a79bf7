using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>How a training run went; the model holds the best epoch's weights.</summary>
public sealed record TrainingRun(int Epochs, int BestEpoch, double BestValidationLoss, StopReason StopReason, double TrainSeconds)
{
    public bool StoppedEarly => StopReason == StopReason.EarlyStopping;

    public double SecondsPerEpoch => Epochs == 0 ? 0 : TrainSeconds / Epochs;

    /// <summary>
    /// The runs of an ensemble's members as one: epochs and seconds added up, the first member's
    /// best epoch, the ensemble's validation loss, and why the last member stopped.
    /// </summary>
    public static TrainingRun Combine(IReadOnlyList<TrainingRun> members, double ensembleValidationLoss)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        return new TrainingRun(members.Sum(r => r.Epochs), members[0].BestEpoch, ensembleValidationLoss, members[^1].StopReason, members.Sum(r => r.TrainSeconds));
    }
}
