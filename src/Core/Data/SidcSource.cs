using System.Security.Cryptography;

namespace SunspotForecaster.Core.Data;

/// <summary>Reads a SIDC file from a path or an http(s) URL, whole, then parses it.</summary>
public static class SidcSource
{
    /// <summary>Larger than any SIDC daily file will be (2.9 MB in 2026), small enough to refuse a wrong URL's download.</summary>
    public const long MaxBytes = 64L * 1024 * 1024;

    public static bool IsUrl(string location) =>
        Uri.TryCreate(location, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="HttpRequestException">The download failed.</exception>
    /// <exception cref="SidcFormatException">The content is not a valid SIDC file.</exception>
    public static async Task<SidcFile> LoadAsync(string location, HttpClient? http = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(location);
        byte[] bytes;
        if (IsUrl(location))
        {
            HttpClient client = http ?? SharedClient.Value;
            using HttpResponseMessage response = await client.GetAsync(location, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{location} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
            }

            if (response.Content.Headers.ContentLength > MaxBytes)
            {
                throw new HttpRequestException($"{location} sends {response.Content.Headers.ContentLength} bytes; a SIDC daily file is a few MB.");
            }

            bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
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

    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(100) });
}
