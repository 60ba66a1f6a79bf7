namespace SunspotForecaster.Models.Training;

/// <summary>
/// The weights of one network and how a mini-batch updates them, as <see cref="ModelTrainer"/>'s
/// epoch loop drives them: through TorchSharp's autograd, or in managed code
/// (<see cref="ManagedLstmSteps"/>).
/// </summary>
internal interface ITrainingSteps : IDisposable
{
    /// <summary>An epoch starts; its examples in the order given.</summary>
    void BeginEpoch(long[] order);

    /// <summary>One mini-batch: the examples order[start .. start + size).</summary>
    void Step(int start, int size);

    /// <summary>The epoch's training done: the sum over its examples of their losses; the network is ready to validate.</summary>
    double EndEpoch();

    /// <summary>Puts the weights to validate and keep (the moving average, when there is one) in the network until disposed.</summary>
    IDisposable? UseAverage();

    /// <summary>Remembers the network's weights as they are now (called inside <see cref="UseAverage"/>).</summary>
    void KeepBest();

    /// <summary>Puts the remembered weights back in the network (its current weights when none were remembered).</summary>
    void RestoreBest();
}
