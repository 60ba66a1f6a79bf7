using System.Security.Cryptography;

namespace SunspotForecaster.Core.Data;

/// <summary>Reads a SIDC file from a path or an http(s) URL, whole, then parses it.</summary>
public static class SidcSource
{
    public static bool IsUrl(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="HttpRequestException">The download failed, or sent too much.</exception>
    /// <exception cref="TimeoutException">The download stalled or took too long.</exception>
    /// <exception cref="SidcFormatException">The content is not a valid SIDC file.</exception>
    public static async Task<SidcFile> LoadAsync(string location, HttpClient? http = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        byte[] bytes;
        if (IsUrl(location))
        {
            HttpClient client = http ?? SharedClient.Value;
            bytes = await BoundedDownload.WithinAsync(location, DownloadLimits.Sidc, async token =>
            {
                using HttpResponseMessage response = await client.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{location} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
                }

                return await BoundedDownload.ReadBodyAsync(response, location, DownloadLimits.Sidc, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            if (!File.Exists(location))
            {
                throw new FileNotFoundException($"There is no file '{location}'.", location);
            }

            bytes = await File.ReadAllBytesAsync(location, cancellationToken).ConfigureAwait(false);
        }

        return FromBytes(bytes, location);
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
