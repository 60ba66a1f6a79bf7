using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Core.Training;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots ingest</c>, <c>models list|show|promote</c> and <c>pipeline run</c>: the pipeline's steps against the configured storage.</summary>
internal static class StorageCommands
{
    public static Command CreateIngest(IConfiguration configuration)
    {
        Option<string?> source = Source();
        var command = new Command("ingest", "Download (or read) the SIDC file and store it if it is new and valid; prints what was decided.") { source };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using ServiceProvider services = CliServices.Create(configuration);
            IngestResult result = await services.GetRequiredService<IngestService>().IngestAsync(parsed.GetValue(source), cancellationToken);
            int code = CommandOutput.Write(parsed, IngestSummary.Of(result), WriteIngest);
            return result.Outcome == IngestOutcome.Invalid ? ExitCodes.BadInput : code;
        });
        return command;
    }

    public static Command CreateModels(IConfiguration configuration)
    {
        Option<string> name = ModelName();
        var list = new Command("list", "Registered versions with their figures, and which one is champion.") { name };
        list.SetAction(async (parsed, cancellationToken) =>
        {
            await using ServiceProvider services = CliServices.Create(configuration);
            string model = parsed.GetRequiredValue(name);
            IReadOnlyList<ModelVersion> versions = await services.GetRequiredService<ModelRegistry>().ListAsync(model, cancellationToken);
            Champion? champion = await services.GetRequiredService<ModelAliases>().GetChampionAsync(model, cancellationToken);
            var result = new ModelList(model, champion?.Version, versions);
            return CommandOutput.Write(parsed, result, WriteModels);
        });

        Option<string> showName = ModelName();
        Option<int> showVersion = Version();
        var show = new Command("show", "One version's row.") { showName, showVersion };
        show.SetAction(async (parsed, cancellationToken) =>
        {
            await using ServiceProvider services = CliServices.Create(configuration);
            string model = parsed.GetRequiredValue(showName);
            int number = parsed.GetValue(showVersion);
            ModelVersion version = await services.GetRequiredService<ModelRegistry>().GetAsync(model, number, cancellationToken)
                ?? throw new ArgumentException($"Model '{model}' has no version {number}.");
            return CommandOutput.Write(parsed, version, (writer, v) => writer.WriteLine(Describe(v, champion: null)));
        });

        Option<string> promoteName = ModelName();
        Option<int> promoteVersion = Version();
        var promote = new Command("promote", "Make a version champion, whatever its figures (also a rollback).") { promoteName, promoteVersion };
        promote.SetAction(async (parsed, cancellationToken) =>
        {
            await using ServiceProvider services = CliServices.Create(configuration);
            string model = parsed.GetRequiredValue(promoteName);
            int number = parsed.GetValue(promoteVersion);
            if (await services.GetRequiredService<ModelRegistry>().GetAsync(model, number, cancellationToken) is null)
            {
                throw new ArgumentException($"Model '{model}' has no version {number}.");
            }

            Champion champion = await services.GetRequiredService<PromotionService>().PromoteAsync(model, number, "promoted by hand", cancellationToken);
            return CommandOutput.Write(parsed, new { champion.Name, champion.Version, champion.PromotedAt, champion.Reason },
                (writer, c) => writer.WriteLine($"{c.Name} version {c.Version} is champion."));
        });

        return new Command("models", "The model registry: list, show and promote versions.") { list, show, promote };
    }

    public static Command CreatePipeline(IConfiguration configuration)
    {
        Option<string?> source = Source();
        var run = new Command("run", "Ingest, train if the data changed (or no champion exists), register, promote, and print the champion's next-day forecast.") { source };
        run.SetAction(async (parsed, cancellationToken) =>
        {
            TextWriter log = parsed.InvocationConfiguration.Error;
            await using ServiceProvider services = CliServices.Create(configuration);
            var aliases = services.GetRequiredService<ModelAliases>();
            var registry = services.GetRequiredService<ModelRegistry>();
            var retrain = services.GetRequiredService<RetrainService>();
            await aliases.EnsureCreatedAsync(cancellationToken);
            await registry.EnsureCreatedAsync(cancellationToken);

            log.WriteLine("Ingesting …");
            IngestResult ingest = await services.GetRequiredService<IngestService>().IngestAsync(parsed.GetValue(source), cancellationToken);
            log.WriteLine($"  {ingest.Outcome}{(ingest.Reason is null ? "" : $": {ingest.Reason}")}");
            if (ingest.Outcome == IngestOutcome.Invalid)
            {
                throw new SidcFormatException(0, ingest.Reason ?? "the downloaded file is not valid");
            }

            LatestPointer latest = ingest.Latest ?? throw new InvalidOperationException("No valid SIDC file has been stored yet.");
            var steps = new List<PipelineStep>();
            var progress = new SynchronousProgress<EpochProgress>(e => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    epoch {e.Epoch,3}  validation loss {e.ValidationLoss,9:0.00000}  {e.Seconds,5:0.0} s{(e.Improved ? "  *" : "")}")));
            foreach (string model in RetrainRequest.Models)
            {
                bool hasChampion = await aliases.GetChampionAsync(model, cancellationToken) is not null;
                bool dataChanged = model == ForecasterPackage.Kind && ingest.Changed;
                if (hasChampion && !dataChanged)
                {
                    steps.Add(new PipelineStep(model, "skipped", null, null, "the data did not change and a champion exists"));
                    continue;
                }

                log.WriteLine($"Retraining {model} …");
                var request = new RetrainRequest(model, model == ForecasterPackage.Kind ? latest.BlobName : null, model == ForecasterPackage.Kind ? latest.Sha256 : null,
                    dataChanged ? "new-data" : "manual", DateTimeOffset.UtcNow);
                RetrainResult result = await retrain.RetrainAsync(request, progress, cancellationToken);
                log.WriteLine($"  {result.Outcome}: {result.Message}");
                steps.Add(new PipelineStep(model, result.Outcome.ToString(), result.Version?.Version, result.Decision?.Promoted, result.Message));
            }

            Champion champion = await aliases.GetChampionAsync(ForecasterPackage.Kind, cancellationToken)
                ?? throw new InvalidOperationException("No sunspot model is champion: no trained version beat persistence yet.");
            string directory = Path.Combine(Path.GetTempPath(), $"sunspots-champion-{Guid.NewGuid():N}");
            try
            {
                await registry.DownloadAsync(ForecasterPackage.Kind, champion.Version, directory, cancellationToken);
                (ForecastModel model, ModelManifest manifest) = ForecasterPackage.Load(directory);
                using (model)
                {
                    SidcFile data = await services.GetRequiredService<RawDataStore>().DownloadAsync(latest.BlobName, cancellationToken);
                    SeriesForecast forecast = SeriesForecast.FromSeries(model, manifest, data.Series, days: 1, champion.Version);
                    var result = new PipelineResult(IngestSummary.Of(ingest), steps, champion.Version, forecast);
                    return CommandOutput.Write(parsed, result, WritePipeline);
                }
            }
            finally
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        });
        return new Command("pipeline", "The whole pipeline against the configured storage (Azurite by default).") { run };
    }

    private static Option<string?> Source() => new("--source")
    {
        Description = "The SIDC file: an http(s) URL or a path (default: Ingest__SourceUrl, SILSO's URL).",
        HelpName = "URL|FILE",
    };

    private static Option<string> ModelName() => new("--name")
    {
        Description = "The model (sunspots|cars).",
        HelpName = "sunspots|cars",
        DefaultValueFactory = _ => "sunspots",
        Validators =
        {
            result =>
            {
                string? name = result.GetValueOrDefault<string>();
                if (!RetrainRequest.Models.Contains(name))
                {
                    result.AddError($"--name: '{name}' is not one of {string.Join(", ", RetrainRequest.Models)}.");
                }
            },
        },
    };

    private static Option<int> Version() => CommonOptions.WholeNumber("--version", "The version number.", 1, 1, 999_999);

    private static string Describe(ModelVersion v, int? champion) => string.Create(CultureInfo.InvariantCulture,
        $"{v.Name} {v.Version,4}{(v.Version == champion ? " *" : "  ")}  {v.Status,-10} {v.RegisteredAt:yyyy-MM-dd HH:mm}  {(v.TestRmse is double r ? $"test RMSE {r:0.000} (persistence {v.PersistenceRmse:0.000})" : v.Accuracy is double a ? $"accuracy {a:P2}" : "")}{(v.Reason is null ? "" : $"  {v.Reason}")}");

    private static void WriteIngest(TextWriter writer, IngestSummary s) =>
        writer.WriteLine($"{s.Outcome}{(s.BlobName is null ? "" : $" {s.BlobName}")}{(s.Reason is null ? "" : $": {s.Reason}")}");

    private static void WriteModels(TextWriter writer, ModelList list)
    {
        if (list.Versions.Count == 0)
        {
            writer.WriteLine($"No {list.Name} versions yet.");
        }

        foreach (ModelVersion v in list.Versions)
        {
            writer.WriteLine(Describe(v, list.Champion));
        }
    }

    private static void WritePipeline(TextWriter writer, PipelineResult result)
    {
        WriteIngest(writer, result.Ingest);
        foreach (PipelineStep step in result.Steps)
        {
            writer.WriteLine($"{step.Model}: {step.Outcome}{(step.Version is int v ? $" version {v}" : "")}{(step.Promoted is bool p ? p ? ", promoted" : ", not promoted" : "")} — {step.Message}");
        }

        DatedForecast next = result.Forecast.Forecasts[0];
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Champion sunspots version {result.Champion}: {next.Date:yyyy-MM-dd} {next.Value:0.0} ({next.IntervalLevel:P0} interval {next.Lower:0.0} .. {next.Upper:0.0}), after {result.Forecast.LastObservation.Date:yyyy-MM-dd} = {result.Forecast.LastObservation.Value:0}"));
        writer.WriteLine(result.Forecast.Source);
    }

    internal sealed record IngestSummary(string Outcome, bool Changed, string? Sha256, long Bytes, string? BlobName, string? Reason, DateOnly? LastDate)
    {
        public static IngestSummary Of(IngestResult r) => new(r.Outcome.ToString(), r.Changed, r.Sha256, r.Bytes, r.BlobName, r.Reason, r.Latest?.LastDate);
    }

    internal sealed record ModelList(string Name, int? Champion, IReadOnlyList<ModelVersion> Versions);

    internal sealed record PipelineStep(string Model, string Outcome, int? Version, bool? Promoted, string Message);

    internal sealed record PipelineResult(IngestSummary Ingest, IReadOnlyList<PipelineStep> Steps, int Champion, SeriesForecast Forecast);
}
