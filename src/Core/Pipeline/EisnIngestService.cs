using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// Fetches SILSO's daily estimate — from a URL with a conditional GET, or from a local file —
/// validates it as strictly as the daily file, and keeps it as the one current copy. Every attempt
/// goes into the ingest history (outcome, bytes, SHA-256, error; never a value). It never queues a
/// retrain: the estimate only extends what the forecast starts from.
/// </summary>
public sealed class EisnIngestService(EisnStore store, IngestHistory history, HttpClient http, IOptions<IngestOptions> ingest, TimeProvider clock)
{
    public async Task<EisnIngestResult> IngestAsync(string? source, CancellationToken cancellationToken)
    {
        string location = string.IsNullOrWhiteSpace(source) ? ingest.Value.EisnSourceUrl : source;
        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await history.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        EisnCopy? current = await store.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        (byte[] Content, SourceInfo Source)? fetched;
        try
        {
            fetched = SidcSource.IsUrl(location)
                ? await DownloadAsync(location, current, cancellationToken).ConfigureAwait(false)
                : File.Exists(location)
                    ? (await File.ReadAllBytesAsync(location, cancellationToken).ConfigureAwait(false), new SourceInfo(Path.GetFullPath(location)))
                    : throw new FileNotFoundException($"There is no file '{location}'.", location);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused, timed out, cut short, too large, no such file: the attempt goes into the
            // history and the caller sees the error; the current copy stays as it was.
            string error = e is HttpRequestException { StatusCode: not null } ? e.Message : $"Could not download {location}: {e.Message}";
            await history.AddAsync(IngestHistory.Eisn, "Failed", location, 0, null, false, null, error, cancellationToken).ConfigureAwait(false);
            throw e is HttpRequestException or FileNotFoundException ? e : new HttpRequestException(error, e);
        }

        if (fetched is not { } file)
        {
            return await RecordAsync(new EisnIngestResult(IngestOutcome.Unchanged, current!.Sha256, 0, current.LastDate, "the server answered 304 Not Modified"), location, cancellationToken).ConfigureAwait(false);
        }

        EisnFile parsed;
        try
        {
            parsed = EisnParser.Parse(file.Content, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        }
        catch (SidcFormatException e)
        {
            string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Content));
            return await RecordAsync(new EisnIngestResult(IngestOutcome.Invalid, sha, file.Content.Length, null, e.Message), location, cancellationToken).ConfigureAwait(false);
        }

        if (current?.Sha256 == parsed.Sha256)
        {
            return await RecordAsync(new EisnIngestResult(IngestOutcome.Unchanged, parsed.Sha256, parsed.Bytes, parsed.LastDate, "the same content as the current copy"), location, cancellationToken).ConfigureAwait(false);
        }

        bool written = await store.ReplaceAsync(file.Content, parsed, file.Source, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return await RecordAsync(written
            ? new EisnIngestResult(IngestOutcome.Stored, parsed.Sha256, parsed.Bytes, parsed.LastDate, null)
            : new EisnIngestResult(IngestOutcome.Unchanged, parsed.Sha256, parsed.Bytes, parsed.LastDate, "the stored copy already reaches a later day"), location, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(byte[] Content, SourceInfo Source)?> DownloadAsync(string location, EisnCopy? current, CancellationToken cancellationToken)
    {
        var limits = new DownloadLimits(EisnParser.MaxBytes, TimeSpan.FromSeconds(ingest.Value.AttemptTimeoutSeconds), TimeSpan.FromSeconds(ingest.Value.TotalTimeoutSeconds));
        using var request = new HttpRequestMessage(HttpMethod.Get, location);
        if (current?.Source is { } previous && previous.Url == location)
        {
            if (previous.ETag is not null && EntityTagHeaderValue.TryParse(previous.ETag, out EntityTagHeaderValue? tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            request.Headers.IfModifiedSince = previous.LastModified;
        }

        return await BoundedDownload.WithinAsync(location, limits, async token =>
        {
            using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotModified && current is not null)
            {
                return ((byte[], SourceInfo)?)null;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{location} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
            }

            byte[] body = await BoundedDownload.ReadBodyAsync(response, location, limits, token).ConfigureAwait(false);
            return (body, new SourceInfo(location, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified));
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<EisnIngestResult> RecordAsync(EisnIngestResult result, string location, CancellationToken cancellationToken)
    {
        await history.AddAsync(IngestHistory.Eisn, result.Outcome.ToString(), location, result.Bytes, result.Sha256, result.Outcome == IngestOutcome.Stored, result.Outcome == IngestOutcome.Stored ? EisnStore.BlobName : null, result.Reason, cancellationToken).ConfigureAwait(false);
        return result;
    }
}
