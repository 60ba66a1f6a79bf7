namespace SunspotForecaster.Core.Pipeline;

/// <summary>How a retrain request ended.</summary>
public enum RetrainOutcome
{
    /// <summary>A version was trained, registered and put to the promotion policy.</summary>
    Trained,

    /// <summary>The same model, data and settings were trained before: nothing to do.</summary>
    AlreadyDone,

    /// <summary>Another trainer holds this model's lease: try again later.</summary>
    Busy,
}
