namespace SunspotForecaster.Core.Packaging;

/// <summary>What rebuilds a sunspot model: its sizes, scaling and intervals, and how it was trained and scored.</summary>
public sealed record ForecasterDetails(
    string Cell,
    int Window,
    int HiddenSize,
    int Layers,
    double Dropout,
    int DenseSize,
    ScalerDetails Scaler,
    ForecasterHyperParameters HyperParameters,
    TrainingRanges Ranges,
    TrainingDetails Training,
    ForecasterMetrics Metrics,
    IntervalDetails Intervals);
