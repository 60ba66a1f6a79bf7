using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Training;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots pipeline run</c>: the whole cycle against the configured storage (Azurite by default).</summary>
internal static class PipelineCommand
{
    public static Command Create(IConfiguration configuration)
    {
        Option<string?> source = IngestCommand.Source();
        var run = new Command("run", "Ingest, retrain what is due (the data changed, or no version was trained from them), register, promote, and print the champion's next-day forecast.") { source };
        run.SetAction(async (parsed, cancellationToken) =>
        {
            TextWriter log = parsed.InvocationConfiguration.Error;
            await using ServiceProvider services = CliServices.Create(configuration);
            var progress = new SynchronousProgress<EpochProgress>(e => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    epoch {e.Epoch,3}  validation loss {e.ValidationLoss,9:0.00000}  {e.Seconds,5:0.0} s{(e.Improved ? "  *" : "")}")));
            PipelineRun result = await services.GetRequiredService<LocalPipeline>().RunAsync(
                parsed.GetValue(source), new SynchronousProgress<string>(log.WriteLine), progress, cancellationToken);
            var summary = new PipelineSummary(IngestCommand.IngestSummary.Of(result.Ingest), result.Steps, result.Forecast.Model?.Version, result.Forecast);
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

        ForecastDay next = result.Forecast.Forecasts[0];
        LastObservation last = result.Forecast.LastObservation;
        writer.WriteLine(result.Forecast.Fallback
            ? string.Create(CultureInfo.InvariantCulture, $"No champion can answer ({result.Forecast.Reason}); persistence: {next.Date:yyyy-MM-dd} {next.Value:0.0}, after {last.Date:yyyy-MM-dd} = {last.Value:0}")
            : string.Create(CultureInfo.InvariantCulture, $"Champion sunspots version {result.Champion}: {next.Date:yyyy-MM-dd} {next.Value:0.0} ({next.IntervalLevel:P0} interval {next.Lower:0.0} .. {next.Upper:0.0}), after {last.Date:yyyy-MM-dd} = {last.Value:0}"));
        writer.WriteLine(result.Forecast.Source);
    }

    /// <summary>The pipeline run as the CLI's JSON shows it.</summary>
    internal sealed record PipelineSummary(IngestCommand.IngestSummary Ingest, IReadOnlyList<PipelineStep> Steps, int? Champion, SunspotForecast Forecast);
}
