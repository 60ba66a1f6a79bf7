using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// What rebuilds a sunspot model: its sizes (of each of its <see cref="Members"/> networks), scaling,
/// the method serving each lead (<c>model</c>, <c>persistence</c> or <c>rotationMean</c> or
/// <c>linear</c>) and that method's quantiles, both baselines' own quantiles, the direct linear
/// model of each lead (<see cref="Linear"/>, null when the training years were too short for one),
/// and how it was trained and scored. Format 5; the formats before it, which had no quantiles, are
/// refused.
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
    IReadOnlyList<ForecastMethod>? LeadMethods,
    int Members = 1,
    LinearDetails? Linear = null,
    IntervalDetails? PersistenceIntervals = null,
    IntervalDetails? RotationMeanIntervals = null);
