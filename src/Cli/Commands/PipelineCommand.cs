using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Presentation;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots pipeline run</c>: the whole cycle against the configured storage (Azurite by default).</summary>
internal static class PipelineCommand
{
    public static Command Create(IConfiguration configuration)
    {
        Option<string?> source = IngestCommand.Source();
        Option<string?> eisnSource = new("--eisn-source")
        {
            Description = "SILSO's daily estimate (EISN): an http(s) URL or a path (default: Ingest__EisnSourceUrl). A failure here is reported, not fatal.",
            HelpName = "URL|FILE",
        };
        Option<DirectoryInfo> output = new("--page-dir")
        {
            Description = "Where the dashboard page (dashboard.html) and its chart (forecast.svg) are written.",
            HelpName = "DIR",
            DefaultValueFactory = _ => new DirectoryInfo("artifacts"),
        };
        var run = new Command("run", "Ingest the daily file and the daily estimate (offline: the embedded snapshot), retrain what is due (the data changed, or no version was trained from them), register, promote, print the forecast from tomorrow (or the latest the data allow) and write the dashboard page and chart.") { source, eisnSource, output };
        run.SetAction(async (parsed, cancellationToken) =>
        {
            TextWriter log = parsed.InvocationConfiguration.Error;
            await using ServiceProvider services = CliServices.Create(configuration);
            var progress = new SynchronousProgress<EpochProgress>(e => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    member {e.Member}  epoch {e.Epoch,3}  validation loss {e.ValidationLoss,9:0.00000}  {e.Seconds,5:0.0} s{(e.Improved ? "  *" : "")}")));
            PipelineRun result = await services.GetRequiredService<LocalPipeline>().RunAsync(
                parsed.GetValue(source), parsed.GetValue(eisnSource), new SynchronousProgress<string>(log.WriteLine), progress, cancellationToken);
            Shown shown = await ShowAsync(configuration, services, result, parsed.GetValue(output)!, cancellationToken);
            var summary = new PipelineSummary(IngestCommand.IngestSummary.Of(result.Ingest), result.Eisn, result.EisnProblem, result.Steps, result.Forecast?.Model?.Version, result.Forecast, result.ForecastProblem,
                shown.AsOf, shown.Latest, shown.Page, shown.Chart);
            return CommandOutput.Write(parsed, summary, WritePipeline);
        });
        return new Command("pipeline", "The whole pipeline against the configured storage (Azurite by default).") { run };
    }

    // What the run leaves to look at: the page and the chart as files; when the data are too old for
    // a forecast from tomorrow, the latest forecast they allow, issued as of the day after their
    // last observation (the services on a clock set to that day), labelled as such.
    private static async Task<Shown> ShowAsync(IConfiguration configuration, ServiceProvider services, PipelineRun result, DirectoryInfo folder, CancellationToken cancellationToken)
    {
        ServiceProvider? asOfServices = null;
        try
        {
            DateOnly? asOf = null;
            SunspotForecast? latest = null;
            ServiceProvider view = services;
            if (result.Forecast is null && result.ForecastProblem is not null)
            {
                CurrentObservations current = await services.GetRequiredService<ObservationsService>().CurrentAsync(cancellationToken);
                if (SunspotForecast.LastObservationOf(current.Series) is { } last)
                {
                    asOf = last.Date.AddDays(1);
                    asOfServices = CliServices.Create(configuration, new FixedClock(asOf.Value));
                    view = asOfServices;
                    latest = await view.GetRequiredService<ForecastService>().FromLatestDataAsync(ForecastModel.MaxDays, cancellationToken);
                }
            }

            DashboardService dashboard = view.GetRequiredService<DashboardService>();
            folder.Create();
            string page = Path.Combine(folder.FullName, "dashboard.html");
            string chart = Path.Combine(folder.FullName, "forecast.svg");
            await File.WriteAllTextAsync(page, (await dashboard.PageAsync(cancellationToken)).Content, cancellationToken);
            string? chartPath = null;
            if (result.Forecast is not null || latest is not null)
            {
                await File.WriteAllTextAsync(chart, (await dashboard.ChartAsync(ForecastModel.MaxDays, 120, cancellationToken)).Content, cancellationToken);
                chartPath = chart;
            }

            return new Shown(asOf, latest, page, chartPath);
        }
        finally
        {
            if (asOfServices is not null)
            {
                await asOfServices.DisposeAsync();
            }
        }
    }

    private sealed record Shown(DateOnly? AsOf, SunspotForecast? Latest, string Page, string? Chart);

    // A clock standing at noon UTC of one day: the services answer as they would have that day.
    private sealed class FixedClock(DateOnly day) : TimeProvider
    {
        private readonly DateTimeOffset _now = new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;
    }

    private static void WritePipeline(TextWriter writer, PipelineSummary result)
    {
        IngestCommand.WriteIngest(writer, result.Ingest);
        foreach (PipelineStep step in result.Steps)
        {
            writer.WriteLine($"{step.Model}: {step.Outcome}{(step.Version is int v ? $" version {v}" : "")}{(step.Promoted is bool p ? p ? ", promoted" : ", not promoted" : "")} — {step.Message}");
        }

        writer.WriteLine(result.Eisn is { } eisn ? $"EISN: {eisn.Outcome}{(eisn.LastDate is DateOnly lastEstimate ? $", up to {lastEstimate:yyyy-MM-dd}" : "")}{(eisn.Reason is null ? "" : $": {eisn.Reason}")}" : $"EISN: failed ({result.EisnProblem}); the daily file alone is used");
        if (result.Forecast is null)
        {
            writer.WriteLine($"No forecast from tomorrow: {result.ForecastProblem}");
            if (result.Latest is { } latest && result.AsOf is DateOnly asOf)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"The latest forecast the data allow, as issued on {asOf:yyyy-MM-dd} (the day after their last observation, {latest.LastObservation.Date:yyyy-MM-dd} = {latest.LastObservation.Value:0}):"));
                foreach (ForecastDay day in latest.Forecasts.Take(7))
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {day.Date:yyyy-MM-dd}  lead {day.Lead,2}  {day.Value,6:0.0}   {day.IntervalLevel:P0} interval {day.Lower,6:0.0} .. {day.Upper,6:0.0}"));
                }
            }

            WriteFiles(writer, result);
            return;
        }

        ForecastDay next = result.Forecast.Forecasts[0];
        LastObservation last = result.Forecast.LastObservation;
        writer.WriteLine(result.Forecast.Fallback
            ? string.Create(CultureInfo.InvariantCulture, $"No champion can answer ({result.Forecast.Reason}); persistence: {next.Date:yyyy-MM-dd} {next.Value:0.0}, after {last.Date:yyyy-MM-dd} = {last.Value:0}")
            : string.Create(CultureInfo.InvariantCulture, $"Champion sunspots version {result.Champion}: {next.Date:yyyy-MM-dd} {next.Value:0.0} ({next.IntervalLevel:P0} interval {next.Lower:0.0} .. {next.Upper:0.0}), after {last.Date:yyyy-MM-dd} = {last.Value:0} ({last.Kind?.ToString().ToLowerInvariant()}, lead {next.Lead})"));
        writer.WriteLine(result.Forecast.Source);
        WriteFiles(writer, result);
    }

    private static void WriteFiles(TextWriter writer, PipelineSummary result)
    {
        writer.WriteLine($"Page: {Shorter(result.Page)}");
        if (result.Chart is not null)
        {
            writer.WriteLine($"Chart: {Shorter(result.Chart)}");
        }
    }

    // A path below the working folder relative to it (what a user would type), others whole.
    private static string Shorter(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    /// <summary>The pipeline run as the CLI's JSON shows it.</summary>
    /// <param name="AsOf">When the data were too old for a forecast from tomorrow: the day <paramref name="Latest"/> is issued as of.</param>
    /// <param name="Latest">The latest forecast the data allow (30 days), when there is none from tomorrow.</param>
    /// <param name="Page">The dashboard page written.</param>
    /// <param name="Chart">Its chart, when there is a forecast to draw.</param>
    internal sealed record PipelineSummary(IngestCommand.IngestSummary Ingest, EisnIngestResult? Eisn, string? EisnProblem, IReadOnlyList<PipelineStep> Steps, int? Champion, SunspotForecast? Forecast, string? ForecastProblem,
        DateOnly? AsOf, SunspotForecast? Latest, string Page, string? Chart);
}
