using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Evaluation;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Series;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots evaluate</c>, <c>forecast</c> and <c>bench</c>: use a saved sunspot model.</summary>
internal static class ModelCommands
{
    public static Command CreateEvaluate()
    {
        Option<DirectoryInfo> modelDirectory = ModelDirectory();
        Option<string> data = CommonOptions.Data();
        Option<DateOnly?> testStart = CommonOptions.Date("--test-start", "First test day (default: the model's own test start).");
        Option<DateOnly?> testEnd = CommonOptions.Date("--test-end", "Last test day (default: the last day of the data).");
        var command = new Command("evaluate", "Score a saved model's next-day forecasts on a test range, beside persistence.") { modelDirectory, data, testStart, testEnd };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            (ForecastModel model, ModelManifest manifest) = ForecasterPackage.Load(parsed.GetRequiredValue(modelDirectory).FullName);
            using (model)
            {
                SidcFile file = await SidcSource.LoadAsync(parsed.GetRequiredValue(data), cancellationToken: cancellationToken);
                DateOnly start = parsed.GetValue(testStart) ?? manifest.Forecaster!.Ranges.Test.Start;
                DateOnly end = parsed.GetValue(testEnd) ?? file.Series.LastDate;
                if (end < start || !file.Series.Contains(start) || !file.Series.Contains(end))
                {
                    throw new ArgumentException($"The test range {start:yyyy-MM-dd}..{end:yyyy-MM-dd} must lie within the data ({file.Series.FirstDate:yyyy-MM-dd}..{file.Series.LastDate:yyyy-MM-dd}).");
                }

                WindowSet windows = WindowSet.Build(file.Series, new DateRange(start, end), model.Window, model.Scaler);
                if (windows.Count == 0)
                {
                    throw new ArgumentException($"The test range {start:yyyy-MM-dd}..{end:yyyy-MM-dd} holds no complete {model.Window}-day window.");
                }

                TestMetrics metrics = ForecastEvaluator.Evaluate(model, windows);
                var result = new EvaluateResult(start, end, metrics.Windows, metrics.Rmse, metrics.Mae, metrics.PersistenceRmse, metrics.Skill, metrics.IntervalCoverage, metrics.IntervalLevel, file.Sha256);
                return CommandOutput.Write(parsed, result, (writer, r) => writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.TestStart:yyyy-MM-dd}..{r.TestEnd:yyyy-MM-dd}, {r.Windows:N0} windows: RMSE {r.Rmse:0.000} (persistence {r.PersistenceRmse:0.000}, skill {r.Skill:0.0000}), MAE {r.Mae:0.000}, {r.IntervalCoverage:P1} inside the {r.IntervalLevel:P0} interval")));
            }
        });
        return command;
    }

    public static Command CreateForecast()
    {
        Option<DirectoryInfo> modelDirectory = ModelDirectory();
        Option<string> data = CommonOptions.Data();
        Option<int> days = CommonOptions.WholeNumber("--days", "Days to forecast after the last day of the data.", 1, 1, ForecastModel.MaxHorizon);
        var command = new Command("forecast", "Forecast the days after the last day of a SIDC file, with 90% intervals.") { modelDirectory, data, days };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            (ForecastModel model, ModelManifest manifest) = ForecasterPackage.Load(parsed.GetRequiredValue(modelDirectory).FullName);
            using (model)
            {
                SidcFile file = await SidcSource.LoadAsync(parsed.GetRequiredValue(data), cancellationToken: cancellationToken);
                SeriesForecast forecast = SeriesForecast.FromSeries(model, manifest, file.Series, parsed.GetValue(days));
                return CommandOutput.Write(parsed, forecast, WriteForecast);
            }
        });
        return command;
    }

    public static Command CreateBench()
    {
        Option<DirectoryInfo> modelDirectory = ModelDirectory();
        Option<string> data = CommonOptions.Data();
        Option<int> count = CommonOptions.WholeNumber("--forecasts", "Warm next-day forecasts to time and to watch memory over.", 100_000, 100, 10_000_000);
        var command = new Command("bench", "Time next-day forecasts: cold start to the first one, warm latency (p50, p99), throughput, and memory growth once the runtime is warm.") { modelDirectory, data, count };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            TextWriter log = parsed.InvocationConfiguration.Error;
            (ForecastModel model, ModelManifest _) = ForecasterPackage.Load(parsed.GetRequiredValue(modelDirectory).FullName);
            using (model)
            {
                SidcFile file = await SidcSource.LoadAsync(parsed.GetRequiredValue(data), cancellationToken: cancellationToken);
                float[] history = file.Series.Values[^model.Window..].ToArray();
                model.Forecast(history, 1);
                double coldStartMs = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;

                // Warm up until the garbage collector has collected the young generation twice:
                // .NET sizes that generation from the machine's cache (tens of MB here), and until it
                // has cycled the process grows by that much whatever the forecasts keep. Growth is
                // measured from there, so it shows what the forecasts themselves retain.
                int forecasts = parsed.GetValue(count);
                long memoryAtFirstForecast = Process.GetCurrentProcess().WorkingSet64;
                int collections = GC.CollectionCount(0);
                for (int i = 0; i < 1000 || (GC.CollectionCount(0) < collections + 2 && i < 1_000_000); i++)
                {
                    model.Forecast(history, 1);
                }

                GC.Collect();
                long memoryBefore = Process.GetCurrentProcess().WorkingSet64;
                log.WriteLine($"Timing {forecasts:N0} warm forecasts …");
                var latencies = new double[forecasts];
                var total = Stopwatch.StartNew();
                for (int i = 0; i < forecasts; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    long start = Stopwatch.GetTimestamp();
                    model.Forecast(history, 1);
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }

                total.Stop();
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
                    Math.Round(process.PeakWorkingSet64 / 1048576.0, 1),
                    Math.Round(memoryAtFirstForecast / 1048576.0, 1),
                    Math.Round(memoryBefore / 1048576.0, 1),
                    Math.Round((memoryAfter - memoryBefore) / 1048576.0, 1),
                    model.Shape.Cell.ToString().ToLowerInvariant(),
                    model.Window,
                    Environment.ProcessorCount);
                return CommandOutput.Write(parsed, result, (writer, r) => writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                    {r.Forecasts:N0} warm next-day forecasts ({r.Cell}, {r.Window}-day window, {r.Processors} processors)
                      latency p50            {r.P50Ms:0.000} ms
                      latency p99            {r.P99Ms:0.000} ms
                      forecasts per second   {r.ForecastsPerSecond:N0}
                      cold start to first    {r.ColdStartMs:N0} ms (process start to the first forecast)
                      peak working set       {r.PeakMemoryMb:N1} MB
                      working set            {r.MemoryAtFirstForecastMb:N1} MB at the first forecast, {r.MemoryAfterWarmupMb:N1} MB after the warm-up
                      growth over the run    {r.MemoryGrowthMb:N1} MB
                    """)));
            }
        });
        return command;
    }

    private static Option<DirectoryInfo> ModelDirectory() =>
        CommonOptions.ModelDirectory("--model-dir", "A sunspot model package (from 'sunspots train sunspots').");

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static void WriteForecast(TextWriter writer, SeriesForecast forecast)
    {
        LastObservation last = forecast.LastObservation;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Last observation {last.Date:yyyy-MM-dd}: {last.Value:0}{(last.Provisional ? " (provisional)" : "")}. Model trained {forecast.Model.TrainedAt:yyyy-MM-dd}, test RMSE {forecast.Model.TestRmse:0.00}."));
        foreach (DatedForecast day in forecast.Forecasts)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {day.Date:yyyy-MM-dd}  {day.Value,6:0.0}   {day.IntervalLevel:P0} interval {day.Lower,6:0.0} .. {day.Upper,6:0.0}"));
        }

        writer.WriteLine(forecast.Source);
    }

    internal sealed record EvaluateResult(DateOnly TestStart, DateOnly TestEnd, int Windows, double Rmse, double Mae, double PersistenceRmse, double Skill, double IntervalCoverage, double IntervalLevel, string DataSha256);

    internal sealed record BenchResult(int Forecasts, double P50Ms, double P99Ms, double ForecastsPerSecond, double ColdStartMs, double PeakMemoryMb, double MemoryAtFirstForecastMb, double MemoryAfterWarmupMb, double MemoryGrowthMb, string Cell, int Window, int Processors);
}
