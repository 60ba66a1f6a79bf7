namespace SunspotForecaster.Core.Pipeline;

/// <summary>How a retrain request ended.</summary>
public enum RetrainOutcome
{
    /// <summary>A version was trained, registered and put to the promotion policy.</summary>
    Trained,

    /// <summary>The same model, data and settings were trained before: nothing to do.</summary>
    AlreadyDone,

    /// <summary>Another trainer holds this model's lease: try again once it can have finished.</summary>
    Busy,

    /// <summary>The trainer lease was lost while training (another trainer may hold it now): nothing was registered; try again later.</summary>
    LeaseLost,

    /// <summary>The message can never succeed (not the contract's JSON, an unknown model, data that are missing or differ): logged and dropped.</summary>
    Dropped,
}
