using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// What rebuilds a sunspot model: its sizes (of each of its <see cref="Members"/> networks), scaling,
/// intervals and the method serving each lead (<c>model</c>, <c>persistence</c> or
/// <c>rotationMean</c> or <c>linear</c>), and how it was trained and scored. Format 1 had one network, intervals for
/// leads 1..30 and no lead methods; format 2 one network with intervals and methods for leads 1..60;
/// format 3 adds the members; format 4 the direct linear model of each lead (<see cref="Linear"/>,
/// null when the training years were too short for one).
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
    LinearDetails? Linear = null);
