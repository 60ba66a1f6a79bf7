using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Series;

public class SeriesPreparationTests
{
    // 1980-01-01 .. 2002-12-31 with the days before 1981-01-01 partly missing.
    private static SunspotSeries Series(Func<int, float>? values = null)
    {
        var builder = new SidcCsvBuilder()
            .StartingOn(new DateOnly(1980, 1, 1))
            .WithDays(new DateOnly(2003, 1, 1).DayNumber - new DateOnly(1980, 1, 1).DayNumber)
            .WithMissing(new DateOnly(1980, 3, 1), new DateOnly(1980, 12, 31));
        if (values is not null)
        {
            builder.WithValues(values);
        }

        return SidcParser.Parse(new MemoryStream(builder.BuildBytes()));
    }

    private static readonly SplitOptions Split = new()
    {
        TrainEnd = new DateOnly(1999, 12, 31),
        ValidationStart = new DateOnly(1995, 1, 1),
        TestStart = new DateOnly(2000, 1, 1),
    };

    [Fact]
    public void Splits_by_date_from_the_day_after_the_last_missing_day()
    {
        SeriesSplit split = SeriesSplit.Create(Series(), Split);

        Assert.Equal(new DateRange(new DateOnly(1981, 1, 1), new DateOnly(1994, 12, 31)), split.Train);
        Assert.Equal(new DateRange(new DateOnly(1995, 1, 1), new DateOnly(1999, 12, 31)), split.Validation);
        Assert.Equal(new DateRange(new DateOnly(2000, 1, 1), new DateOnly(2002, 12, 31)), split.Test);
        Assert.Equal(1_826, split.Validation.Days);
        Assert.Equal(1_096, split.Test.Days);
    }

    [Fact]
    public void A_training_start_after_the_first_observed_day_starts_the_training_years_there()
    {
        SeriesSplit split = SeriesSplit.Create(Series(), Split with { TrainStart = new DateOnly(1985, 6, 1) });

        Assert.Equal(new DateRange(new DateOnly(1985, 6, 1), new DateOnly(1994, 12, 31)), split.Train);
        Assert.Equal(new DateRange(new DateOnly(1995, 1, 1), new DateOnly(1999, 12, 31)), split.Validation);
    }

    [Fact]
    public void A_training_start_on_or_after_the_validation_start_is_refused_with_a_reason()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => SeriesSplit.Create(Series(), Split with { TrainStart = new DateOnly(1995, 1, 1) }));

        Assert.Contains("training start 1995-01-01 must come before the validation start 1995-01-01", error.Message);
    }

    [Fact]
    public void A_test_end_before_the_last_day_shortens_the_test_range()
    {
        SeriesSplit split = SeriesSplit.Create(Series(), Split with { TestEnd = new DateOnly(2001, 6, 30) });

        Assert.Equal(new DateOnly(2001, 6, 30), split.Test.End);
    }

    [Fact]
    public void Windows_of_each_range_and_scaling_fitted_on_the_training_part_only()
    {
        // Training part: values 10; validation and test: values 1000. A scaler that saw anything
        // but the training part would not have mean 10.
        DateOnly validationStart = Split.ValidationStart;
        var start = new DateOnly(1980, 1, 1);
        SunspotSeries series = Series(i => start.AddDays(i) < validationStart ? 10 + (i % 2) : 1000);

        PreparedSeries prepared = SeriesPreparation.Prepare(series, Split, windowLength: 7);

        Assert.Equal(10.5f, prepared.Scaler.Mean, 3);
        Assert.Equal(0.5f, prepared.Scaler.StandardDeviation, 3);
        Assert.Equal(prepared.Split.Train.Days - 7, prepared.Train.Count);
        Assert.Equal(prepared.Split.Validation.Days - 7, prepared.Validation.Count);
        Assert.Equal(prepared.Split.Test.Days - 7, prepared.Test.Count);
        Assert.Equal(new DateOnly(2000, 1, 8), prepared.Test.TargetDate(0));
        Assert.Equal(1000f, prepared.Scaler.Unscale(prepared.Test.Targets[0]), 2);
    }

    [Theory]
    [InlineData("1999-12-31", "2000-06-01", "2000-01-01", "validation start")]
    [InlineData("1999-12-31", "1995-01-01", "1999-06-01", "test start")]
    [InlineData("1999-12-31", "1970-01-01", "2000-01-01", "validation start")]
    [InlineData("2005-12-31", "1995-01-01", "2006-01-01", "training end")]
    public void Inconsistent_dates_are_refused_with_a_reason(string trainEnd, string validationStart, string testStart, string named)
    {
        var options = new SplitOptions
        {
            TrainEnd = DateOnly.Parse(trainEnd),
            ValidationStart = DateOnly.Parse(validationStart),
            TestStart = DateOnly.Parse(testStart),
        };

        ArgumentException error = Assert.Throws<ArgumentException>(() => SeriesSplit.Create(Series(), options));

        Assert.Contains(named, error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_window_longer_than_a_range_is_refused_with_a_reason()
    {
        SplitOptions shortTest = Split with { TestEnd = new DateOnly(2000, 1, 20) };

        ArgumentException error = Assert.Throws<ArgumentException>(() => SeriesPreparation.Prepare(Series(), shortTest, windowLength: 30));

        Assert.Contains("test range", error.Message);
        Assert.Contains("30 days", error.Message);
    }
}
