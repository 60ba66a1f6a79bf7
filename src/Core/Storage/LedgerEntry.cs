using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// One served forecast day in the ledger: issued on <see cref="IssueDate"/> for
/// <see cref="TargetDate"/> (<see cref="Lead"/> days after the last observation) by a model version
/// (0 for a baseline fallback), with its interval, quantiles and method; the two baselines for the
/// same target (persistence and the mean of the last 27 observed days); and, once the truth
/// arrived, the observed value and its kind. <see cref="Quantiles"/> is null for a fallback and in
/// rows recorded before the ledger kept quantiles.
/// </summary>
public sealed record LedgerEntry(
    DateOnly IssueDate,
    DateOnly TargetDate,
    int Lead,
    string Model,
    int Version,
    float Value,
    float? Lower,
    float? Upper,
    double? IntervalLevel,
    ForecastMethod Method,
    DateOnly LastObservationDate,
    ObservationKind? LastObservationKind,
    float Persistence,
    float RotationMean,
    float? Observed = null,
    ObservationKind? ObservedKind = null,
    DateTimeOffset? ScoredAt = null,
    ForecastQuantiles? Quantiles = null)
{
    public bool Scored => Observed is not null;
}
