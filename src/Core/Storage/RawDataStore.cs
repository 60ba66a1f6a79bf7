using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Data;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// The raw SIDC files in Blob Storage. A file is stored only after it validated, once per distinct
/// content (named by its last date and SHA-256, written create-only); <c>latest.json</c> points at
/// the current one and moves only forward, by a conditional write; every attempt is recorded in the
/// ingest history table.
/// </summary>
public sealed partial class RawDataStore(
    BlobServiceClient blobs,
    IngestHistory history,
    IOptions<StorageOptions> options,
    TimeProvider clock,
    ILogger<RawDataStore> logger)
{
    public const string LatestBlobName = "latest.json";
    public const string FilesPrefix = "SN_d_tot_V2.0/";
    public const string QuarantinePrefix = "quarantine/";
    private const int MaxAttempts = 5;

    private BlobContainerClient Container => blobs.GetBlobContainerClient(options.Value.RawContainer);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await history.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Validates <paramref name="content"/>, stores it if it is new and may replace the current file,
    /// moves <c>latest.json</c>, and records the attempt. Storage errors propagate (after the
    /// attempt is recorded where possible); nothing partial is ever current.
    /// </summary>
    public async Task<IngestResult> SaveAsync(byte[] content, SourceInfo source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(source);
        IngestResult result;
        try
        {
            result = await DecideAndStoreAsync(content, source, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await TryRecordFailureAsync(source, content.Length, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }

        await RecordAsync(result, source, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Logs a decided attempt and adds it to the ingest history.</summary>
    public Task RecordAsync(IngestResult result, SourceInfo source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(source);
        LogIngest(result.Outcome, result.Sha256, result.Bytes, result.BlobName, result.Reason);
        return RecordAsync(result.Outcome.ToString(), source, result.Bytes, result.Sha256, result.Changed, result.BlobName, result.Reason, cancellationToken);
    }

    /// <summary>Records an attempt that failed before there was anything to save (the download failed, say).</summary>
    public Task RecordFailureAsync(SourceInfo source, string error, CancellationToken cancellationToken) =>
        RecordAsync("Failed", source, 0, null, false, null, error, cancellationToken);

    /// <summary>The current pointer and its ETag, or null before the first successful ingest.</summary>
    public async Task<(LatestPointer Pointer, ETag ETag)?> GetLatestAsync(CancellationToken cancellationToken)
    {
        try
        {
            Response<BlobDownloadResult> response = await Container.GetBlobClient(LatestBlobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            LatestPointer pointer = response.Value.Content.ToObjectFromJson<LatestPointer>(JsonOptions)
                ?? throw new InvalidOperationException($"{LatestBlobName} is empty.");
            return (pointer, response.Value.Details.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Downloads and parses a stored file.</summary>
    public async Task<SidcFile> DownloadAsync(string blobName, CancellationToken cancellationToken)
    {
        Response<BlobDownloadResult> response = await Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return SidcSource.FromBytes(response.Value.Content.ToArray(), blobName);
    }

    /// <summary>The most recent ingest attempts of the daily file, newest first; none before the first ingest.</summary>
    public Task<IReadOnlyList<IngestRun>> GetRecentRunsAsync(int count, CancellationToken cancellationToken) =>
        history.RecentAsync(IngestHistory.Sidc, count, cancellationToken);

    /// <summary>
    /// The operator's way past the history check: makes the quarantined file <paramref name="blobName"/>
    /// current although it rewrites definitive values (SILSO does revise its series now and then,
    /// and every later file would be quarantined for the same revision). It is still validated as
    /// any file is; the acceptance is recorded in the ingest history with the objection it overrode.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="blobName"/> is not a quarantined file of this store.</exception>
    public async Task<IngestResult> AcceptQuarantinedAsync(string blobName, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(blobName);
        if (!blobName.StartsWith(QuarantinePrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{blobName}' is not a quarantined file: their names start with '{QuarantinePrefix}' (the ingest that refused a file printed its name).", nameof(blobName));
        }

        BlobDownloadResult download;
        try
        {
            download = (await Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new ArgumentException($"There is no quarantined file '{blobName}' in container '{options.Value.RawContainer}'.", nameof(blobName), e);
        }

        string objection = download.Details.Metadata.TryGetValue("quarantinereason", out string? reason) ? Uri.UnescapeDataString(reason) : "(no reason recorded)";
        string url = download.Details.Metadata.TryGetValue("sourceurl", out string? source) ? Uri.UnescapeDataString(source) : blobName;
        byte[] content = download.Content.ToArray();
        IngestResult result;
        try
        {
            result = await DecideAndStoreAsync(content, new SourceInfo(url), cancellationToken, acceptedDespite: objection).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await TryRecordFailureAsync(new SourceInfo(url), content.Length, e.Message, cancellationToken).ConfigureAwait(false);
            throw;
        }

        await RecordAsync(result, new SourceInfo(url), cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<IngestResult> DecideAndStoreAsync(byte[] content, SourceInfo source, CancellationToken cancellationToken, string? acceptedDespite = null)
    {
        SidcFile file;
        try
        {
            file = SidcSource.FromBytes(content, source.Url);
        }
        catch (SidcFormatException e)
        {
            return new IngestResult(IngestOutcome.Invalid, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length, null, e.Message, null);
        }

        DateOnly today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (file.Series.LastDate > today)
        {
            return new IngestResult(IngestOutcome.Invalid, file.Sha256, file.Bytes, null,
                $"SIDC file: its last day {file.Series.LastDate:yyyy-MM-dd} lies after today ({today:yyyy-MM-dd}, UTC); a file of observations cannot hold the future.", null);
        }

        // latest.json may move between our read and our write (another instance ingesting): then
        // read it again and decide again.
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            (LatestPointer Pointer, ETag ETag)? latest = await GetLatestAsync(cancellationToken).ConfigureAwait(false);
            if (latest?.Pointer.Sha256 == file.Sha256)
            {
                return new IngestResult(IngestOutcome.Unchanged, file.Sha256, file.Bytes, latest.Value.Pointer.BlobName, "the same content as the current file", latest.Value.Pointer);
            }

            if (latest is { } current)
            {
                SidcFile currentFile = await DownloadAsync(current.Pointer.BlobName, cancellationToken).ConfigureAwait(false);
                if (currentFile.Series.HoldsTheSameDaysAs(file.Series))
                {
                    // Re-encoded, not revised: storing it would retrain on the very same data.
                    return new IngestResult(IngestOutcome.Unchanged, file.Sha256, file.Bytes, current.Pointer.BlobName,
                        "the same days as the current file in other bytes (line endings, byte-order mark or spacing); the current file stays", current.Pointer);
                }

                string? objection = HistoryCheck.Objection(currentFile.Series, file.Series);
                if (objection is not null && acceptedDespite is null)
                {
                    string quarantined = await UploadCreateOnlyAsync(QuarantinePrefix + FileName(file), content, Metadata(file, source, objection), cancellationToken).ConfigureAwait(false);
                    return new IngestResult(IngestOutcome.Quarantined, file.Sha256, file.Bytes, quarantined, $"Not made current: {objection}", current.Pointer);
                }
            }

            string blobName = await UploadCreateOnlyAsync(FilesPrefix + FileName(file), content, Metadata(file, source, reason: null), cancellationToken).ConfigureAwait(false);
            var pointer = new LatestPointer(blobName, file.Sha256, file.Bytes, file.Series.Count, file.Series.FirstDate, file.Series.LastDate, source, clock.GetUtcNow(), Guid.NewGuid().ToString("N"));
            var conditions = latest is { } previous ? new BlobRequestConditions { IfMatch = previous.ETag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                await Container.GetBlobClient(LatestBlobName).UploadAsync(
                    BinaryData.FromObjectAsJson(pointer, JsonOptions),
                    new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
                    cancellationToken).ConfigureAwait(false);
                return new IngestResult(IngestOutcome.Stored, file.Sha256, file.Bytes, blobName, Accepted(acceptedDespite), pointer);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Either another instance moved the pointer, or the server applied our own write
                // before the client saw an error and the retry met our own ETag change.
                if ((await GetLatestAsync(cancellationToken).ConfigureAwait(false))?.Pointer.WriteId == pointer.WriteId)
                {
                    return new IngestResult(IngestOutcome.Stored, file.Sha256, file.Bytes, blobName, Accepted(acceptedDespite), pointer);
                }

                LogPointerMoved(attempt);
            }
        }

        throw new InvalidOperationException($"{LatestBlobName} changed {MaxAttempts} times while this file was being stored; try again.");
    }

    private static string? Accepted(string? objection) => objection is null ? null : $"accepted by an operator despite the objection: {objection}";

    // Create-only: a blob of this name already holds this very content (the name carries its
    // SHA-256), so finding it there is success, not a conflict.
    private async Task<string> UploadCreateOnlyAsync(string blobName, byte[] content, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        try
        {
            await Container.GetBlobClient(blobName).UploadAsync(
                new BinaryData(content),
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    Metadata = metadata,
                    HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv" },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            LogAlreadyStored(blobName);
        }

        return blobName;
    }

    private static string FileName(SidcFile file) => $"{file.Series.LastDate:yyyy-MM-dd}_{file.Sha256}.csv";

    private static Dictionary<string, string> Metadata(SidcFile file, SourceInfo source, string? reason)
    {
        var metadata = new Dictionary<string, string>
        {
            ["sourceurl"] = Uri.EscapeDataString(source.Url),
            ["sha256"] = file.Sha256,
            ["rows"] = file.Series.Count.ToString(CultureInfo.InvariantCulture),
            ["firstdate"] = file.Series.FirstDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["lastdate"] = file.Series.LastDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        if (source.ETag is not null)
        {
            metadata["sourceetag"] = Uri.EscapeDataString(source.ETag);
        }

        if (source.LastModified is DateTimeOffset modified)
        {
            metadata["sourcelastmodified"] = modified.ToString("R", CultureInfo.InvariantCulture);
        }

        if (reason is not null)
        {
            metadata["quarantinereason"] = Uri.EscapeDataString(reason);
        }

        return metadata;
    }

    private async Task TryRecordFailureAsync(SourceInfo source, long bytes, string error, CancellationToken cancellationToken)
    {
        try
        {
            await RecordAsync("Failed", source, bytes, null, false, null, error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Recording is best effort here: the caller sees the original error.
            LogRecordFailed(e.Message);
        }
    }

    private Task RecordAsync(string outcome, SourceInfo source, long bytes, string? sha256, bool changed, string? blobName, string? error, CancellationToken cancellationToken) =>
        history.AddAsync(IngestHistory.Sidc, outcome, source.Url, bytes, sha256, changed, blobName, error, cancellationToken);

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingest {Outcome}: SHA-256 {Sha256}, {Bytes} bytes, blob {BlobName}. {Reason}")]
    private partial void LogIngest(IngestOutcome outcome, string? sha256, long bytes, string? blobName, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "latest.json moved while storing (attempt {Attempt}); deciding again")]
    private partial void LogPointerMoved(int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BlobName} is already stored; its name carries its SHA-256")]
    private partial void LogAlreadyStored(string blobName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the failed ingest attempt: {Error}")]
    private partial void LogRecordFailed(string error);
}
