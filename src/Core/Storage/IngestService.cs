using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Data;

namespace SunspotForecaster.Core.Storage;

/// <summary>Settings of the ingest (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    [System.ComponentModel.DataAnnotations.Required]
    [System.ComponentModel.DataAnnotations.Url]
    public string SourceUrl { get; set; } = "https://www.sidc.be/SILSO/INFO/sndtotcsv.php";
}

/// <summary>
/// Fetches the SIDC file — from a URL with a conditional GET (If-None-Match / If-Modified-Since from
/// the current file's source), or from a local file — and hands it to the <see cref="RawDataStore"/>.
/// A 304 answer is an unchanged ingest that downloads nothing.
/// </summary>
public sealed class IngestService(RawDataStore store, HttpClient http, IOptions<IngestOptions> options)
{
    public async Task<IngestResult> IngestAsync(string? source, CancellationToken cancellationToken)
    {
        string location = string.IsNullOrWhiteSpace(source) ? options.Value.SourceUrl : source;
        await store.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        if (!SidcSource.IsUrl(location))
        {
            if (!File.Exists(location))
            {
                throw new FileNotFoundException($"There is no file '{location}'.", location);
            }

            byte[] content = await File.ReadAllBytesAsync(location, cancellationToken).ConfigureAwait(false);
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

        using HttpResponseMessage response = await SendAsync(request, location, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified && latest is { } current)
        {
            var unchanged = new IngestResult(IngestOutcome.Unchanged, current.Pointer.Sha256, 0, current.Pointer.BlobName, "the server answered 304 Not Modified", current.Pointer);
            await store.RecordAsync(unchanged, new SourceInfo(location), cancellationToken).ConfigureAwait(false);
            return unchanged;
        }

        if (!response.IsSuccessStatusCode)
        {
            string error = $"{location} answered {(int)response.StatusCode} {response.ReasonPhrase}.";
            await store.RecordFailureAsync(new SourceInfo(location), error, cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException(error, null, response.StatusCode);
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var sourceInfo = new SourceInfo(location, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified);
        return await store.SaveAsync(body, sourceInfo, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string location, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await store.RecordFailureAsync(new SourceInfo(location), $"Could not download {location}: {e.Message}", cancellationToken).ConfigureAwait(false);
            throw;
        }
    }
}
