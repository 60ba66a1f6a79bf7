using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// Fetches the SIDC file — from a URL with a conditional GET (If-None-Match / If-Modified-Since from
/// the current file's source), or from a local file — and hands it to the <see cref="RawDataStore"/>.
/// A 304 answer is an unchanged ingest that downloads nothing. The whole download, body included,
/// is bounded in time (<see cref="IngestOptions.TotalTimeoutSeconds"/>, and no pause longer than an
/// attempt's timeout) and in bytes.
/// </summary>
public sealed class IngestService(RawDataStore store, HttpClient http, IOptions<IngestOptions> options)
{
    public async Task<IngestResult> IngestAsync(string? source, CancellationToken cancellationToken)
    {
        string location = string.IsNullOrWhiteSpace(source) ? options.Value.SourceUrl : source;
        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (!SidcSource.IsUrl(location))
        {
            // A path: the file, or the gzip snapshot, read as SidcSource reads it (a folder is named as such).
            byte[] content = await SidcSource.ReadAsync(location, DownloadLimits.Sidc, cancellationToken).ConfigureAwait(false);
            return await store.SaveAsync(content, new SourceInfo(Path.GetFullPath(location)), cancellationToken).ConfigureAwait(false);
        }

        var request = new HttpRequestMessage(HttpMethod.Get, location);
        (LatestPointer Pointer, Azure.ETag ETag)? latest = await store.GetLatestAsync(cancellationToken).ConfigureAwait(false);
        if (latest?.Pointer.Source is { } previous && previous.Url == location)
        {
            if (previous.ETag is not null && EntityTagHeaderValue.TryParse(previous.ETag, out EntityTagHeaderValue? tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            request.Headers.IfModifiedSince = previous.LastModified;
        }

        var limits = new DownloadLimits(DownloadLimits.SidcMaxBytes, TimeSpan.FromSeconds(options.Value.AttemptTimeoutSeconds), TimeSpan.FromSeconds(options.Value.TotalTimeoutSeconds));
        (byte[] Body, SourceInfo Source)? downloaded;
        try
        {
            downloaded = await BoundedDownload.WithinAsync(location, limits, async token =>
            {
                using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotModified && latest is not null)
                {
                    return ((byte[] Body, SourceInfo Source)?)null;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{location} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
                }

                byte[] body = await BoundedDownload.ReadBodyAsync(response, location, limits, token).ConfigureAwait(false);
                return (body, new SourceInfo(location, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified));
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Refused, timed out (Polly's TimeoutRejectedException, or a stall or overrun here), cut
            // short (HttpIOException), too large: the attempt goes into the history, nothing is
            // stored, and the caller sees the error.
            string error = e is HttpRequestException { StatusCode: not null } ? e.Message : $"Could not download {location}: {e.Message}";
            await store.RecordFailureAsync(new SourceInfo(location), error, cancellationToken).ConfigureAwait(false);
            throw e is HttpRequestException ? e : new HttpRequestException(error, e);
        }

        if (downloaded is not { } file)
        {
            LatestPointer current = latest!.Value.Pointer;
            var unchanged = new IngestResult(IngestOutcome.Unchanged, current.Sha256, 0, current.BlobName, "the server answered 304 Not Modified", current);
            await store.RecordAsync(unchanged, new SourceInfo(location), cancellationToken).ConfigureAwait(false);
            return unchanged;
        }

        return await store.SaveAsync(file.Body, file.Source, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The offline default, for when SILSO cannot be reached: with no file stored yet, the embedded
    /// snapshot (<see cref="SidcSnapshot"/>) is stored as a download would be; a stored file stays
    /// (nothing SILSO served is older than the snapshot).
    /// </summary>
    public async Task<IngestResult> IngestSnapshotAsync(CancellationToken cancellationToken)
    {
        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (await store.GetLatestAsync(cancellationToken).ConfigureAwait(false) is { } latest)
        {
            LatestPointer current = latest.Pointer;
            return new IngestResult(IngestOutcome.Unchanged, current.Sha256, 0, current.BlobName, "SILSO could not be reached; the stored file stays", current);
        }

        return await store.SaveAsync(SidcSnapshot.Bytes(), new SourceInfo(SidcSnapshot.Name), cancellationToken).ConfigureAwait(false);
    }
}
