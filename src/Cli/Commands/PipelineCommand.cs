using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Pipeline;
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
        var run = new Command("run", "Ingest the daily file and the daily estimate, retrain what is due (the data changed, or no version was trained from them), register, promote, and print the forecast for tomorrow.") { source, eisnSource };
        run.SetAction(async (parsed, cancellationToken) =>
        {
            TextWriter log = parsed.InvocationConfiguration.Error;
            await using ServiceProvider services = CliServices.Create(configuration);
            var progress = new SynchronousProgress<EpochProgress>(e => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    epoch {e.Epoch,3}  validation loss {e.ValidationLoss,9:0.00000}  {e.Seconds,5:0.0} s{(e.Improved ? "  *" : "")}")));
            PipelineRun result = await services.GetRequiredService<LocalPipeline>().RunAsync(
                parsed.GetValue(source), parsed.GetValue(eisnSource), new SynchronousProgress<string>(log.WriteLine), progress, cancellationToken);
            var summary = new PipelineSummary(IngestCommand.IngestSummary.Of(result.Ingest), result.Eisn, result.EisnProblem, result.Steps, result.Forecast?.Model?.Version, result.Forecast, result.ForecastProblem);
            return CommandOutput.Write(parsed, summary, WritePipeline);
        });
        return new Command("pipeline", "The whole pipeline against the configured storage (Azurite by default).") { run };
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
            writer.WriteLine($"No forecast for tomorrow: {result.ForecastProblem}");
            return;
        }

        ForecastDay next = result.Forecast.Forecasts[0];
        LastObservation last = result.Forecast.LastObservation;
        writer.WriteLine(result.Forecast.Fallback
            ? string.Create(CultureInfo.InvariantCulture, $"No champion can answer ({result.Forecast.Reason}); persistence: {next.Date:yyyy-MM-dd} {next.Value:0.0}, after {last.Date:yyyy-MM-dd} = {last.Value:0}")
            : string.Create(CultureInfo.InvariantCulture, $"Champion sunspots version {result.Champion}: {next.Date:yyyy-MM-dd} {next.Value:0.0} ({next.IntervalLevel:P0} interval {next.Lower:0.0} .. {next.Upper:0.0}), after {last.Date:yyyy-MM-dd} = {last.Value:0} ({last.Kind?.ToString().ToLowerInvariant()}, lead {next.Lead})"));
        writer.WriteLine(result.Forecast.Source);
    }

    /// <summary>The pipeline run as the CLI's JSON shows it.</summary>
    internal sealed record PipelineSummary(IngestCommand.IngestSummary Ingest, EisnIngestResult? Eisn, string? EisnProblem, IReadOnlyList<PipelineStep> Steps, int? Champion, SunspotForecast? Forecast, string? ForecastProblem);
}
