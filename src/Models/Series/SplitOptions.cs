namespace SunspotForecaster.Models.Series;

/// <summary>
/// Where the series is cut. The training years run from <see cref="TrainStart"/> (or, when later,
/// the first day after the last day without observations) to <see cref="TrainEnd"/>; their last part, from <see cref="ValidationStart"/>,
/// is held out for early stopping and intervals. The test range, from <see cref="TestStart"/> to
/// <see cref="TestEnd"/> (default: the last day), is never seen in training or validation.
/// </summary>
public sealed record SplitOptions
{
    /// <summary>
    /// Chosen on the validation years: the daily series before the mid-20th century behaves
    /// otherwise day to day (other observers and counting rules), and learning from it made
    /// forecasts of the modern series worse (README, "Choosing the defaults").
    /// </summary>
    public static readonly DateOnly DefaultTrainStart = new(1945, 1, 1);
    public static readonly DateOnly DefaultTrainEnd = new(1999, 12, 31);
    public static readonly DateOnly DefaultValidationStart = new(1990, 1, 1);
    public static readonly DateOnly DefaultTestStart = new(2000, 1, 1);

    /// <summary>The first training day, unless the data are observed every day only from a later one.</summary>
    public DateOnly TrainStart { get; init; } = DefaultTrainStart;

    public DateOnly TrainEnd { get; init; } = DefaultTrainEnd;

    public DateOnly ValidationStart { get; init; } = DefaultValidationStart;

    public DateOnly TestStart { get; init; } = DefaultTestStart;

    /// <summary>The last test day; null means the last day of the data.</summary>
    public DateOnly? TestEnd { get; init; }
}
