using BenchmarkDotNet.Attributes;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Benchmarks;

/// <summary>Reading the real SILSO file and windowing all of it (target: well under 100 ms).</summary>
[MemoryDiagnoser]
[Config(typeof(QuickInProcessConfig))]
public class SeriesBenchmarks
{
    private byte[] _file = [];
    private SunspotSeries _series = null!;

    [GlobalSetup]
    public void Setup()
    {
        _file = SidcSnapshot.Bytes();
        _series = SidcParser.Parse(new MemoryStream(_file));
    }

    [Benchmark(Description = "Parse SN_d_tot_V2.0.csv (76,002 rows)")]
    public SunspotSeries Parse() => SidcParser.Parse(new MemoryStream(_file));

    [Benchmark(Description = "All 10-day windows of the full file")]
    public WindowSet BuildAllWindows() => WindowSet.Build(_series, new DateRange(_series.FirstDate, _series.LastDate), 10);

    [Benchmark(Description = "Split, scale and window (train, validation, test)")]
    public PreparedSeries Prepare() => SeriesPreparation.Prepare(_series, new SplitOptions(), 10);
}
