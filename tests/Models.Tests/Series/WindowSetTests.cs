using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Series;

public class WindowSetTests
{
    private static readonly DateOnly Start = new(2001, 1, 1);

    private static SunspotSeries Series(SidcCsvBuilder builder) => SidcParser.Parse(new MemoryStream(builder.BuildBytes()));

    // Day i has the value i + 1, so every window can be checked by hand.
    private static SidcCsvBuilder Counting(int days) => new SidcCsvBuilder().StartingOn(Start).WithDays(days).WithValues(i => i + 1);

    [Fact]
    public void Each_window_holds_consecutive_days_and_targets_the_day_after()
    {
        SunspotSeries series = Series(Counting(12));

        WindowSet windows = WindowSet.Build(series, new DateRange(Start, Start.AddDays(11)), windowLength: 3);

        Assert.Equal(9, windows.Count);
        Assert.Equal([1f, 2f, 3f], windows.Input(0).ToArray());
        Assert.Equal(4f, windows.Targets[0]);
        Assert.Equal(Start.AddDays(3), windows.TargetDate(0));
        Assert.Equal([9f, 10f, 11f], windows.Input(8).ToArray());
        Assert.Equal(12f, windows.Targets[8]);
        Assert.Equal(3f, windows.LastObservedValue(0));
        Assert.Equal(0, windows.SkippedWindows);
    }

    [Fact]
    public void Windows_stay_inside_the_range()
    {
        SunspotSeries series = Series(Counting(30));

        WindowSet windows = WindowSet.Build(series, new DateRange(Start.AddDays(10), Start.AddDays(19)), windowLength: 4);

        Assert.Equal(6, windows.Count);
        Assert.Equal([11f, 12f, 13f, 14f], windows.Input(0).ToArray());
        Assert.Equal(20f, windows.Targets[^1]);
    }

    [Fact]
    public void Windows_that_touch_a_missing_day_are_skipped_and_counted()
    {
        SunspotSeries series = Series(Counting(12).WithMissing(Start.AddDays(5)));

        WindowSet windows = WindowSet.Build(series, new DateRange(Start, Start.AddDays(11)), windowLength: 3);

        // Targets on days 3..11; those whose span [t-3, t] holds day 5 are t = 5, 6, 7, 8.
        Assert.Equal(4, windows.SkippedWindows);
        Assert.Equal(5, windows.Count);
        Assert.Equal([4f, 5f, 10f, 11f, 12f], windows.Targets);
        Assert.DoesNotContain(windows.Inputs, float.IsNaN);
    }

    [Fact]
    public void A_range_shorter_than_a_window_gives_no_windows()
    {
        SunspotSeries series = Series(Counting(12));

        WindowSet windows = WindowSet.Build(series, new DateRange(Start, Start.AddDays(2)), windowLength: 3);

        Assert.Equal(0, windows.Count);
    }

    [Fact]
    public void Scaled_windows_map_back_to_the_observed_values()
    {
        SunspotSeries series = Series(Counting(50));
        var scaler = new StandardScaler(Mean: 20, StandardDeviation: 4);

        WindowSet windows = WindowSet.Build(series, new DateRange(Start, Start.AddDays(49)), windowLength: 5, scaler);

        Assert.Equal(-4.75f, windows.Input(0)[0], 5);
        Assert.Equal(6f, scaler.Unscale(windows.Targets[0]), 4);
    }

    [Fact]
    public void Building_allocates_the_buffers_once_not_an_array_per_window()
    {
        SunspotSeries series = Series(new SidcCsvBuilder().StartingOn(new DateOnly(1818, 1, 1)).WithDays(76_002));
        var range = new DateRange(series.FirstDate, series.LastDate);
        WindowSet.Build(series, range, 10); // warm up (JIT)

        long before = GC.GetAllocatedBytesForCurrentThread();
        WindowSet windows = WindowSet.Build(series, range, 10);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The runtime may allocate a few KB on this thread for itself (one run in CI took 8 KB more
        // than the buffers); an array per window would take at least 32 bytes × 75,992 = 2.4 MB more.
        long buffers = (long)windows.Count * (10 + 1 + 1) * sizeof(float);
        Assert.Equal(75_992, windows.Count);
        Assert.InRange(allocated, buffers, buffers + 65_536);
    }
}
