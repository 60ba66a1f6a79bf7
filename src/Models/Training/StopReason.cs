namespace SunspotForecaster.Models.Training;

/// <summary>Why training stopped.</summary>
public enum StopReason
{
    /// <summary>The validation loss stopped improving (early stopping).</summary>
    EarlyStopping,

    /// <summary>The maximum number of epochs ran.</summary>
    MaxEpochs,

    /// <summary>The wall-clock budget ran out.</summary>
    Budget,
}
