using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots ingest</c>: download (or read) the SIDC file and store it if it is new and valid.</summary>
internal static class IngestCommand
{
    public static Command Create(IConfiguration configuration)
    {
        Option<string?> source = Source();
        Option<bool> eisn = new("--eisn") { Description = "Ingest SILSO's daily estimate (EISN) instead: keep it as the one current copy if it is valid (default source: Ingest__EisnSourceUrl)." };
        Option<string?> accept = new("--accept")
        {
            Description = "Make a quarantined file current although it rewrites definitive values (a revision by SILSO): the name an ingest printed, quarantine/….csv.",
            HelpName = "BLOB",
        };
        var command = new Command("ingest", "Download (or read) the SIDC file and store it if it is new and valid, or with --eisn the daily estimate, or with --accept a quarantined file; prints what was decided.") { source, eisn, accept };
        command.Validators.Add(result =>
        {
            if (result.GetValue(accept) is not null && (result.GetValue(eisn) || result.GetValue(source) is not null))
            {
                result.AddError("--accept makes a file already stored current: it takes neither --source nor --eisn.");
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using ServiceProvider services = CliServices.Create(configuration);
            if (parsed.GetValue(accept) is { } quarantined)
            {
                IngestResult accepted = await services.GetRequiredService<RawDataStore>().AcceptQuarantinedAsync(quarantined, cancellationToken);
                int shown = CommandOutput.Write(parsed, IngestSummary.Of(accepted), WriteIngest);
                return accepted.Outcome == IngestOutcome.Invalid ? ExitCodes.BadInput : shown;
            }

            if (parsed.GetValue(eisn))
            {
                EisnIngestResult estimate = await services.GetRequiredService<EisnIngestService>().IngestAsync(parsed.GetValue(source), cancellationToken);
                int written = CommandOutput.Write(parsed, estimate, (writer, r) => writer.WriteLine($"{r.Outcome}{(r.LastDate is DateOnly last ? $" EISN up to {last:yyyy-MM-dd}" : "")}{(r.Reason is null ? "" : $": {r.Reason}")}"));
                return estimate.Outcome == IngestOutcome.Invalid ? ExitCodes.BadInput : written;
            }

            IngestResult result = await services.GetRequiredService<IngestService>().IngestAsync(parsed.GetValue(source), cancellationToken);
            int code = CommandOutput.Write(parsed, IngestSummary.Of(result), WriteIngest);
            return result.Outcome == IngestOutcome.Invalid ? ExitCodes.BadInput : code;
        });
        return command;
    }

    public static Option<string?> Source() => new("--source")
    {
        Description = "The file: an http(s) URL or a path (default: Ingest__SourceUrl, SILSO's URL; with --eisn, Ingest__EisnSourceUrl).",
        HelpName = "URL|FILE",
    };

    public static void WriteIngest(TextWriter writer, IngestSummary s) =>
        writer.WriteLine($"{s.Outcome}{(s.BlobName is null ? "" : $" {s.BlobName}")}{(s.Reason is null ? "" : $": {s.Reason}")}");

    /// <summary>The ingest as the CLI's JSON shows it.</summary>
    internal sealed record IngestSummary(string Outcome, bool Changed, string? Sha256, long Bytes, string? BlobName, string? Reason, DateOnly? LastDate)
    {
        public static IngestSummary Of(IngestResult r) => new(r.Outcome.ToString(), r.Changed, r.Sha256, r.Bytes, r.BlobName, r.Reason, r.Latest?.LastDate);
    }
}
