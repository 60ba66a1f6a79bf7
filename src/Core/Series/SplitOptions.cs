namespace SunspotForecaster.Core.Series;

/// <summary>
/// Where the series is cut. The training years run from the first day after the last day without
/// observations to <see cref="TrainEnd"/>; their last part, from <see cref="ValidationStart"/>,
/// is held out for early stopping and intervals. The test range, from <see cref="TestStart"/> to
/// <see cref="TestEnd"/> (default: the last day), is never seen in training or validation.
/// </summary>
public sealed record SplitOptions
{
    public static readonly DateOnly DefaultTrainEnd = new(1999, 12, 31);
    public static readonly DateOnly DefaultValidationStart = new(1990, 1, 1);
    public static readonly DateOnly DefaultTestStart = new(2000, 1, 1);

    public DateOnly TrainEnd { get; init; } = DefaultTrainEnd;

    public DateOnly ValidationStart { get; init; } = DefaultValidationStart;

    public DateOnly TestStart { get; init; } = DefaultTestStart;

    /// <summary>The last test day; null means the last day of the data.</summary>
    public DateOnly? TestEnd { get; init; }
}
