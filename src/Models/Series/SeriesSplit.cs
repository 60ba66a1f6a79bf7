using SunspotForecaster.Models.Data;

namespace SunspotForecaster.Models.Series;

/// <summary>The date ranges a series is cut into; see <see cref="SplitOptions"/>.</summary>
public sealed record SeriesSplit(DateRange Train, DateRange Validation, DateRange Test)
{
    /// <summary>The training years: the fitting part and the validation part together.</summary>
    public DateRange TrainingYears => new(Train.Start, Validation.End);

    /// <summary>Checks the dates against each other and against the data.</summary>
    /// <exception cref="ArgumentException">The dates are inconsistent; the message says which and why.</exception>
    public static SeriesSplit Create(SunspotSeries series, SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);

        DateOnly observedFrom = series.ObservedFrom;
        DateOnly first = options.TrainStart > observedFrom ? options.TrainStart : observedFrom;
        DateOnly testEnd = options.TestEnd ?? series.LastDate;
        if (observedFrom > series.LastDate)
        {
            throw new ArgumentException($"The data end with a day without observations ({series.LastDate:yyyy-MM-dd}); there is nothing to train on.");
        }

        if (options.TrainStart >= options.ValidationStart)
        {
            throw new ArgumentException(
                $"The training start {options.TrainStart:yyyy-MM-dd} must come before the validation start {options.ValidationStart:yyyy-MM-dd}.");
        }

        if (options.ValidationStart <= first || options.ValidationStart > options.TrainEnd)
        {
            throw new ArgumentException(
                $"The validation start {options.ValidationStart:yyyy-MM-dd} must lie inside the training years {first:yyyy-MM-dd}..{options.TrainEnd:yyyy-MM-dd}, after their first day.");
        }

        if (options.TestStart <= options.TrainEnd)
        {
            throw new ArgumentException(
                $"The test start {options.TestStart:yyyy-MM-dd} must come after the training end {options.TrainEnd:yyyy-MM-dd}; the test range is never trained on.");
        }

        if (options.TrainEnd > series.LastDate)
        {
            throw new ArgumentException($"The training end {options.TrainEnd:yyyy-MM-dd} lies after the last day of the data ({series.LastDate:yyyy-MM-dd}).");
        }

        if (testEnd < options.TestStart || testEnd > series.LastDate)
        {
            throw new ArgumentException(
                $"The test range {options.TestStart:yyyy-MM-dd}..{testEnd:yyyy-MM-dd} must be a non-empty range within the data, which end on {series.LastDate:yyyy-MM-dd}.");
        }

        return new SeriesSplit(
            Train: new DateRange(first, options.ValidationStart.AddDays(-1)),
            Validation: new DateRange(options.ValidationStart, options.TrainEnd),
            Test: new DateRange(options.TestStart, testEnd));
    }
}
