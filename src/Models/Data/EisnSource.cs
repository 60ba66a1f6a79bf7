namespace SunspotForecaster.Models.Data;

/// <summary>Reads an EISN file from a path or an http(s) URL, whole and bounded, then parses it.</summary>
public static class EisnSource
{
    /// <param name="today">Rows after this day (UTC) make the file invalid.</param>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="HttpRequestException">The download failed, or sent too much.</exception>
    /// <exception cref="TimeoutException">The download stalled or took too long.</exception>
    /// <exception cref="SidcFormatException">The content is not a valid EISN file.</exception>
    public static async Task<EisnFile> LoadAsync(string location, DateOnly today, CancellationToken cancellationToken = default)
    {
        var limits = DownloadLimits.Sidc with { MaxBytes = EisnParser.MaxBytes };
        byte[] bytes = await SidcSource.ReadAsync(location, limits, cancellationToken).ConfigureAwait(false);
        return EisnParser.Parse(bytes, today);
    }
}
