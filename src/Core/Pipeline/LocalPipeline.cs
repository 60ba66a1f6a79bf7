using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// The whole cycle in one process, for <c>sunspots pipeline run</c>: ingest the daily file and the
/// daily estimate, retrain inline what <see cref="RetrainPlanner"/> finds due (the timer would queue
/// it), and the forecast that the API answers for tomorrow.
/// </summary>
public sealed class LocalPipeline(IngestService ingest, EisnIngestService eisn, RetrainPlanner planner, RetrainService retrain, LedgerService ledger, ForecastService forecasts)
{
    /// <exception cref="SidcFormatException">The daily file is not a valid SIDC file.</exception>
    /// <exception cref="InvalidOperationException">No sunspot model is champion after the retrains.</exception>
    public async Task<PipelineRun> RunAsync(string? source, string? eisnSource, IProgress<string>? log, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        log?.Report("Ingesting …");
        IngestResult ingested;
        try
        {
            ingested = await ingest.IngestAsync(source, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (string.IsNullOrWhiteSpace(source))
        {
            // Offline with the default source: the embedded snapshot (or the stored file) instead.
            log?.Report($"  SILSO could not be reached ({e.Message}); using {SidcSnapshot.Name}, or the file storage already holds.");
            ingested = await ingest.IngestSnapshotAsync(cancellationToken).ConfigureAwait(false);
        }

        log?.Report($"  {ingested.Outcome}{(ingested.Reason is null ? "" : $": {ingested.Reason}")}");
        if (ingested.Outcome == IngestOutcome.Invalid)
        {
            throw new SidcFormatException(0, ingested.Reason ?? "the downloaded file is not valid");
        }

        // The estimate only extends what forecasts start from: its failure is reported, not fatal.
        log?.Report("Ingesting the daily estimate (EISN) …");
        EisnIngestResult? estimate = null;
        string? eisnProblem = null;
        try
        {
            estimate = await eisn.IngestAsync(eisnSource, cancellationToken).ConfigureAwait(false);
            log?.Report($"  {estimate.Outcome}{(estimate.Reason is null ? "" : $": {estimate.Reason}")}");
        }
        catch (Exception e) when (e is HttpRequestException or FileNotFoundException)
        {
            eisnProblem = e.Message;
            log?.Report($"  Failed: {e.Message}");
        }

        IReadOnlyList<RetrainRequest> due = await planner.DueAsync(ingested.Latest, cancellationToken).ConfigureAwait(false);
        var steps = new List<PipelineStep>();
        foreach (string model in ModelKind.All.Select(k => k.Name))
        {
            if (due.FirstOrDefault(r => r.Model == model) is not { } request)
            {
                steps.Add(new PipelineStep(model, "skipped", null, null, "a version was trained from the current data and settings"));
                continue;
            }

            log?.Report($"Retraining {model} …");
            RetrainResult result = await retrain.RetrainAsync(request, progress, cancellationToken).ConfigureAwait(false);
            log?.Report($"  {result.Outcome}: {result.Message}");
            steps.Add(new PipelineStep(model, result.Outcome.ToString(), result.Version?.Version, result.Decision?.Promoted, result.Message));
        }

        LedgerCycle cycle = await ledger.RunAsync(cancellationToken).ConfigureAwait(false);
        log?.Report(cycle.Recorded ? "Recorded today's forecasts in the ledger." : $"Ledger: {cycle.NotRecordedReason}");
        try
        {
            return new PipelineRun(ingested, estimate, eisnProblem, steps, await forecasts.FromLatestDataAsync(1, cancellationToken).ConfigureAwait(false), null);
        }
        catch (NotReadyException e)
        {
            throw new InvalidOperationException($"{e.Message} No trained version beat persistence yet.", e);
        }
        catch (DataTooOldException e)
        {
            return new PipelineRun(ingested, estimate, eisnProblem, steps, null, $"{e.Message} The API answers 503 until a newer daily file or estimate is ingested.");
        }
    }
}
