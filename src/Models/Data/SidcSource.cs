using System.Security.Cryptography;

namespace SunspotForecaster.Models.Data;

/// <summary>Reads a SIDC file from a path or an http(s) URL, whole, then parses it.</summary>
public static class SidcSource
{
    public static bool IsUrl(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="HttpRequestException">The download failed, or sent too much.</exception>
    /// <exception cref="TimeoutException">The download stalled or took too long.</exception>
    /// <exception cref="SidcFormatException">The content is not a valid SIDC file.</exception>
    public static async Task<SidcFile> LoadAsync(string location, HttpClient? http = null, CancellationToken cancellationToken = default) =>
        FromBytes(await ReadAsync(location, DownloadLimits.Sidc, cancellationToken, http).ConfigureAwait(false), location);

    /// <summary>The bytes at <paramref name="location"/>, a path or an http(s) URL, within <paramref name="limits"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="HttpRequestException">The download failed, or sent too much.</exception>
    /// <exception cref="TimeoutException">The download stalled or took too long.</exception>
    public static async Task<byte[]> ReadAsync(string location, DownloadLimits limits, CancellationToken cancellationToken, HttpClient? http = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        ArgumentNullException.ThrowIfNull(limits);
        if (!IsUrl(location))
        {
            if (Directory.Exists(location))
            {
                throw new FileNotFoundException($"'{location}' is a folder; give the file itself (SN_d_tot_V2.0.csv, or the snapshot data/SN_d_tot_V2.0.csv.gz).", location);
            }

            if (!File.Exists(location))
            {
                throw new FileNotFoundException($"There is no file '{location}'.", location);
            }

            if (new FileInfo(location).Length > limits.MaxBytes)
            {
                throw new ArgumentException($"'{location}' holds {new FileInfo(location).Length:N0} bytes; at most {limits.MaxBytes:N0} are read for this file.");
            }

            // A gzip file (the committed snapshot) is read as the file it holds, within the same limit.
            if (location.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                await using FileStream compressed = File.OpenRead(location);
                await using var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionMode.Decompress);
                using var content = new MemoryStream();
                var buffer = new byte[81920];
                int read;
                while ((read = await gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (content.Length + read > limits.MaxBytes)
                    {
                        throw new ArgumentException($"'{location}' holds more than {limits.MaxBytes:N0} bytes uncompressed; at most that many are read for this file.");
                    }

                    content.Write(buffer, 0, read);
                }

                return content.ToArray();
            }

            return await File.ReadAllBytesAsync(location, cancellationToken).ConfigureAwait(false);
        }

        HttpClient client = http ?? SharedClient.Value;
        return await BoundedDownload.WithinAsync(location, limits, async token =>
        {
            using HttpResponseMessage response = await client.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{location} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
            }

            return await BoundedDownload.ReadBodyAsync(response, location, limits, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public static SidcFile FromBytes(byte[] bytes, string origin)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        SunspotSeries series = SidcParser.Parse(new MemoryStream(bytes, writable: false));
        return new SidcFile(series, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, origin);
    }

    // The limits bound the whole download; the client must not cut it short first.
    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient { Timeout = Timeout.InfiniteTimeSpan });
}
