using SunspotForecaster.Core.Forecasting;

namespace SunspotForecaster.Core.Packaging;

/// <summary>
/// What rebuilds a sunspot model: its sizes, scaling, intervals and the method serving each lead
/// (<c>model</c>, <c>persistence</c> or <c>rotationMean</c>), and how it was trained and scored.
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
    IReadOnlyList<ForecastMethod> LeadMethods);
