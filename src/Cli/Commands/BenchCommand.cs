using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots bench</c>: warm next-day latency, throughput, cold start and memory of a saved model.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        Option<DirectoryInfo> modelDirectory = CommonOptions.SunspotModelDirectory();
        Option<string> data = CommonOptions.Data();
        Option<int> count = CommonOptions.WholeNumber("--forecasts", "Warm next-day forecasts to time and to watch memory over.", 100_000, 100, 10_000_000);
        var command = new Command("bench", "Time next-day forecasts: cold start to the first one, warm latency (p50, p99), throughput, and memory growth once the runtime is warm.") { modelDirectory, data, count };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            TextWriter log = parsed.InvocationConfiguration.Error;

            // Where a new instance's first forecast goes: the runtime's start, the package, the data, the forecast.
            DateTime processStart = Process.GetCurrentProcess().StartTime;
            double runtimeMs = (DateTime.Now - processStart).TotalMilliseconds;
            // Read at once, as sunspots forecast reads them: each part is timed on its own thread.
            Task<(SidcFile File, double Ms)> reading = Task.Run(async () =>
            {
                long started = Stopwatch.GetTimestamp();
                SidcFile read = await SidcSource.LoadAsync(parsed.GetRequiredValue(data), cancellationToken: cancellationToken);
                return (read, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }, cancellationToken);
            long phase = Stopwatch.GetTimestamp();
            (ForecastModel model, ModelManifest _) = ForecasterPackage.Load(parsed.GetRequiredValue(modelDirectory).FullName);
            double packageMs = Stopwatch.GetElapsedTime(phase).TotalMilliseconds;
            using (model)
            {
                (SidcFile file, double dataMs) = await reading;
                phase = Stopwatch.GetTimestamp();
                float[] history = file.Series.Values[^model.HistoryDays..].ToArray();
                DateOnly lastDate = file.Series.LastDate;
                model.Forecast(history, lastDate, 1);
                double firstForecastMs = Stopwatch.GetElapsedTime(phase).TotalMilliseconds;
                double coldStartMs = (DateTime.Now - processStart).TotalMilliseconds;

                // Warm up until the garbage collector has collected the young generation twice:
                // .NET sizes that generation from the machine's cache (tens of MB here), and until it
                // has cycled the process grows by that much whatever the forecasts keep. Growth is
                // measured from there, so it shows what the forecasts themselves retain.
                int forecasts = parsed.GetValue(count);
                long memoryAtFirstForecast = Process.GetCurrentProcess().WorkingSet64;
                int collections = GC.CollectionCount(0);
                for (int i = 0; i < 1000 || (GC.CollectionCount(0) < collections + 2 && i < 1_000_000); i++)
                {
                    model.Forecast(history, lastDate, 1);
                }

                GC.Collect();
                long memoryBefore = Process.GetCurrentProcess().WorkingSet64;
                log.WriteLine($"Timing {forecasts:N0} warm forecasts …");
                var latencies = new double[forecasts];
                long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                var total = Stopwatch.StartNew();
                for (int i = 0; i < forecasts; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    long start = Stopwatch.GetTimestamp();
                    model.Forecast(history, lastDate, 1);
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }

                total.Stop();
                long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                GC.Collect();
                using var process = Process.GetCurrentProcess();
                long memoryAfter = process.WorkingSet64;
                Array.Sort(latencies);
                var result = new BenchResult(
                    forecasts,
                    Math.Round(Percentile(latencies, 0.50), 4),
                    Math.Round(Percentile(latencies, 0.99), 4),
                    Math.Round(forecasts / total.Elapsed.TotalSeconds, 1),
                    Math.Round(coldStartMs, 1),
                    new ColdStart(Math.Round(runtimeMs, 1), Math.Round(packageMs, 1), Math.Round(dataMs, 1), Math.Round(firstForecastMs, 1)),
                    Math.Round(process.PeakWorkingSet64 / 1048576.0, 1),
                    Math.Round(memoryAtFirstForecast / 1048576.0, 1),
                    Math.Round(memoryBefore / 1048576.0, 1),
                    Math.Round((memoryAfter - memoryBefore) / 1048576.0, 1),
                    model.Shape.Cell.ToString().ToLowerInvariant(),
                    model.Window,
                    Environment.ProcessorCount,
                    model.Members,
                    Math.Round((double)allocated / forecasts, 1));
                return CommandOutput.Write(parsed, result, (writer, r) => writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                    {r.Forecasts:N0} warm next-day forecasts ({r.Cell} × {r.Members}, {r.Window}-day window, {r.Processors} processors)
                      latency p50            {r.P50Ms:0.000} ms
                      latency p99            {r.P99Ms:0.000} ms
                      forecasts per second   {r.ForecastsPerSecond:N0}
                      allocated              {r.AllocatedBytesPerForecast:N0} bytes per forecast (managed, this thread)
                      cold start to first    {r.ColdStartMs:N0} ms (process start to the first forecast: runtime and command line {r.ColdStartParts.RuntimeMs:N0} ms, package {r.ColdStartParts.PackageMs:N0} ms beside data {r.ColdStartParts.DataMs:N0} ms, forecast {r.ColdStartParts.ForecastMs:N0} ms)
                      peak working set       {r.PeakMemoryMb:N1} MB
                      working set            {r.MemoryAtFirstForecastMb:N1} MB at the first forecast, {r.MemoryAfterWarmupMb:N1} MB after the warm-up
                      growth over the run    {r.MemoryGrowthMb:N1} MB
                    """)));
            }
        });
        return command;
    }

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    /// <summary>The cold start's parts: process start to the command, reading the package and reading the data file (at once, on two threads), the first forecast.</summary>
    internal sealed record ColdStart(double RuntimeMs, double PackageMs, double DataMs, double ForecastMs);

    internal sealed record BenchResult(int Forecasts, double P50Ms, double P99Ms, double ForecastsPerSecond, double ColdStartMs, ColdStart ColdStartParts, double PeakMemoryMb, double MemoryAtFirstForecastMb, double MemoryAfterWarmupMb, double MemoryGrowthMb, string Cell, int Window, int Processors, int Members, double AllocatedBytesPerForecast);
}
