namespace SunspotForecaster.Models.Training;

/// <summary>
/// Keras's EarlyStopping as the course uses it: watch the validation loss; an epoch improves only
/// when it beats the best loss so far by more than <see cref="MinDelta"/>; stop after
/// <see cref="Patience"/> epochs in a row without improvement; the best epoch's weights are the
/// ones to keep (restore_best_weights).
/// </summary>
public sealed class EarlyStopping(int patience, double minDelta)
{
    private int _epochsWithoutImprovement;

    public int Patience { get; } = patience >= 1 ? patience : throw new ArgumentOutOfRangeException(nameof(patience), patience, "Patience is at least one epoch.");

    public double MinDelta { get; } = minDelta >= 0 ? minDelta : throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "The minimum improvement cannot be negative.");

    public double BestLoss { get; private set; } = double.PositiveInfinity;

    public int BestEpoch { get; private set; }

    public bool ShouldStop => _epochsWithoutImprovement >= Patience;

    /// <summary>Records an epoch's validation loss; true when it is the new best (keep its weights).</summary>
    public bool Observe(int epoch, double validationLoss)
    {
        if (validationLoss < BestLoss - MinDelta)
        {
            BestLoss = validationLoss;
            BestEpoch = epoch;
            _epochsWithoutImprovement = 0;
            return true;
        }

        _epochsWithoutImprovement++;
        return false;
    }
}
