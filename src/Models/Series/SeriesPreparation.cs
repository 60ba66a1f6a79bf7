using SunspotForecaster.Models.Data;

namespace SunspotForecaster.Models.Series;

public static class SeriesPreparation
{
    public const int MaxWindowLength = 3650;

    /// <summary>
    /// Splits by date, fits the scaling on the training part only, and builds the windows of each
    /// range. Throws <see cref="ArgumentException"/> with a message naming the problem when the dates
    /// are inconsistent or a range is too short for one window.
    /// </summary>
    public static PreparedSeries Prepare(SunspotSeries series, SplitOptions options, int windowLength)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (windowLength is < 1 or > MaxWindowLength)
        {
            throw new ArgumentException($"The window must be between 1 and {MaxWindowLength} days; it is {windowLength}.", nameof(windowLength));
        }

        SeriesSplit split = SeriesSplit.Create(series, options);
        StandardScaler scaler = StandardScaler.Fit(series.Values.Slice(series.IndexOf(split.Train.Start), split.Train.Days));
        WindowSet train = Windows(series, split.Train, "training", windowLength, scaler);
        WindowSet validation = Windows(series, split.Validation, "validation", windowLength, scaler);
        WindowSet test = Windows(series, split.Test, "test", windowLength, scaler);
        return new PreparedSeries(split, scaler, train, validation, test);
    }

    private static WindowSet Windows(SunspotSeries series, DateRange range, string name, int windowLength, StandardScaler scaler)
    {
        WindowSet windows = WindowSet.Build(series, range, windowLength, scaler);
        if (windows.Count == 0)
        {
            throw new ArgumentException(
                $"The {name} range {range} ({range.Days} days) holds no complete window of {windowLength} days plus the day after; shorten the window or widen the range.");
        }

        return windows;
    }
}
