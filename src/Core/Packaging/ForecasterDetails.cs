namespace SunspotForecaster.Core.Packaging;

/// <summary>
/// What rebuilds a sunspot model: its sizes (of each of its <see cref="Members"/> networks), scaling
/// and intervals, and how it was trained and scored. Format 1 had no members: one network.
/// </summary>
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
    IntervalDetails Intervals,
    int Members = 1);
