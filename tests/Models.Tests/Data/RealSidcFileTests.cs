using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Data;

/// <summary>The facts data/README.md states, checked on the committed snapshot, and the snapshot the product embeds is that file.</summary>
public class RealSidcFileTests
{
    [Fact]
    public void The_real_file_has_the_documented_rows_dates_and_split_sizes()
    {

        SunspotSeries series = SidcSnapshot.Read().Series;
        SeriesSplit split = SeriesSplit.Create(series, new SplitOptions());

        Assert.Equal(76_002, series.Count);
        Assert.Equal(new DateOnly(1818, 1, 1), series.FirstDate);
        Assert.Equal(new DateOnly(2026, 1, 31), series.LastDate);
        Assert.Equal(new DateOnly(1848, 12, 22), series.LastMissingDate);
        Assert.Equal(new DateRange(new DateOnly(1945, 1, 1), new DateOnly(1999, 12, 31)), split.TrainingYears);
        Assert.Equal(20_088, split.TrainingYears.Days);
        // Asked to start earlier, training starts on the first day after the last day without observations.
        SeriesSplit whole = SeriesSplit.Create(series, new SplitOptions { TrainStart = new DateOnly(1818, 1, 1) });
        Assert.Equal(new DateRange(new DateOnly(1848, 12, 23), new DateOnly(1999, 12, 31)), whole.TrainingYears);
        Assert.Equal(55_160, whole.TrainingYears.Days);
        Assert.Equal(9_528, split.Test.Days);
        Assert.Equal(SidcSnapshot.LastDay, series.LastDate);
    }

    [Fact]
    public async Task The_embedded_snapshot_is_the_committed_file()
    {
        SidcFile committed = await SidcSource.LoadAsync(TestData.RealSidcFile);

        Assert.Equal(committed.Sha256, SidcSnapshot.Read().Sha256);
    }
}
