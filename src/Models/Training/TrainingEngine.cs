namespace SunspotForecaster.Models.Training;

/// <summary>Which engine trained a network (recorded in its package's manifest).</summary>
public enum TrainingEngine
{
    /// <summary>The managed engine (<see cref="Engine.ManagedRegressor"/> and <see cref="ManagedLstmSteps"/>): one-layer LSTMs.</summary>
    Managed,

    /// <summary>TorchSharp's autograd: every other network.</summary>
    TorchSharp,
}
