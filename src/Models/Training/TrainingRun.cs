namespace SunspotForecaster.Models.Training;

/// <summary>How a training run went; the model holds the best epoch's weights.</summary>
public sealed record TrainingRun(int Epochs, int BestEpoch, double BestValidationLoss, StopReason StopReason, double TrainSeconds)
{
    public bool StoppedEarly => StopReason == StopReason.EarlyStopping;

    public double SecondsPerEpoch => Epochs == 0 ? 0 : TrainSeconds / Epochs;

    /// <summary>
    /// The runs of an ensemble's members as one: their epochs added up, the first member's best
    /// epoch, the ensemble's validation loss, why the last member stopped, and the wall-clock
    /// seconds of the whole (members may train at once, so their own seconds overlap).
    /// </summary>
    public static TrainingRun Combine(IReadOnlyList<TrainingRun> members, double ensembleValidationLoss, double wallSeconds)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        return new TrainingRun(members.Sum(r => r.Epochs), members[0].BestEpoch, ensembleValidationLoss, members[^1].StopReason, wallSeconds);
    }
}
