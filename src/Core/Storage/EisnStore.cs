using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Data;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// The one current copy of SILSO's daily estimate (EISN), <c>eisn/EISN_current.csv</c> in the raw
/// container, overwritten in place: SILSO asks that EISN not be archived, so no history of its
/// values is kept (the attempts go to <see cref="IngestHistory"/>, without values). A write moves
/// the copy forward only: an older fetch that arrives late never replaces a newer one.
/// </summary>
public sealed class EisnStore(BlobServiceClient blobs, IOptions<StorageOptions> options)
{
    public const string BlobName = "eisn/EISN_current.csv";
    private const int MaxAttempts = 5;

    private BlobContainerClient Container => blobs.GetBlobContainerClient(options.Value.RawContainer);

    private BlobClient Blob => Container.GetBlobClient(BlobName);

    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>What is known of the current copy, or null before the first one.</summary>
    public async Task<EisnCopy?> GetInfoAsync(CancellationToken cancellationToken)
    {
        try
        {
            BlobProperties properties = (await Blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return Read(properties.Metadata);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>The current copy's bytes and what is known of it, or null before the first one.</summary>
    public async Task<(byte[] Content, EisnCopy Copy)?> GetCurrentAsync(CancellationToken cancellationToken)
    {
        try
        {
            BlobDownloadResult result = (await Blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            return Read(result.Details.Metadata) is { } copy ? (result.Content.ToArray(), copy) : null;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }

    /// <summary>
    /// Makes <paramref name="content"/> (already validated as <paramref name="file"/>) the current
    /// copy, unless the stored one reaches a later day. True when it was written.
    /// </summary>
    public async Task<bool> ReplaceAsync(byte[] content, EisnFile file, SourceInfo source, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(source);
        var copy = new EisnCopy(file.Sha256, file.FirstDate, file.LastDate, file.Days.Count, fetchedAt, source);
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            BlobRequestConditions conditions;
            try
            {
                BlobProperties current = (await Blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
                EisnCopy? stored = Read(current.Metadata);
                if (stored is not null && stored.LastDate > file.LastDate)
                {
                    return false;
                }

                conditions = new BlobRequestConditions { IfMatch = current.ETag };
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
            }

            try
            {
                await Blob.UploadAsync(new BinaryData(content), new BlobUploadOptions
                {
                    Conditions = conditions,
                    Metadata = Write(copy),
                    HttpHeaders = new BlobHttpHeaders { ContentType = "text/csv" },
                }, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another instance wrote meanwhile: read again and decide again.
            }
        }

        throw new InvalidOperationException($"{BlobName} changed {MaxAttempts} times while this copy was being stored; try again.");
    }

    private static Dictionary<string, string> Write(EisnCopy copy)
    {
        var metadata = new Dictionary<string, string>
        {
            ["sha256"] = copy.Sha256,
            ["firstdate"] = copy.FirstDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["lastdate"] = copy.LastDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["rows"] = copy.Rows.ToString(CultureInfo.InvariantCulture),
            ["fetchedat"] = copy.FetchedAt.ToString("O", CultureInfo.InvariantCulture),
            ["sourceurl"] = Uri.EscapeDataString(copy.Source.Url),
        };
        if (copy.Source.ETag is not null)
        {
            metadata["sourceetag"] = Uri.EscapeDataString(copy.Source.ETag);
        }

        if (copy.Source.LastModified is DateTimeOffset modified)
        {
            metadata["sourcelastmodified"] = modified.ToString("R", CultureInfo.InvariantCulture);
        }

        return metadata;
    }

    private static EisnCopy? Read(IDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("sha256", out string? sha) || !metadata.TryGetValue("lastdate", out string? last) || !metadata.TryGetValue("firstdate", out string? first))
        {
            return null;
        }

        return new EisnCopy(
            sha,
            DateOnly.ParseExact(first, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateOnly.ParseExact(last, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            metadata.TryGetValue("rows", out string? rows) ? int.Parse(rows, CultureInfo.InvariantCulture) : 0,
            metadata.TryGetValue("fetchedat", out string? fetched) ? DateTimeOffset.Parse(fetched, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue,
            new SourceInfo(
                metadata.TryGetValue("sourceurl", out string? url) ? Uri.UnescapeDataString(url) : "",
                metadata.TryGetValue("sourceetag", out string? etag) ? Uri.UnescapeDataString(etag) : null,
                metadata.TryGetValue("sourcelastmodified", out string? modified) ? DateTimeOffset.Parse(modified, CultureInfo.InvariantCulture) : null));
    }
}
