namespace SunspotForecaster.Models.Data;

/// <summary>
/// Bounds on one download, body included: at most <see cref="MaxBytes"/>, no pause longer than
/// <see cref="Stall"/> between two reads, and <see cref="Total"/> for the whole of it. A retrying
/// HTTP handler bounds each attempt only until the headers arrive; a server that stalls after them,
/// or streams without end, is stopped here.
/// </summary>
public sealed record DownloadLimits(long MaxBytes, TimeSpan Stall, TimeSpan Total)
{
    /// <summary>Larger than any SIDC daily file will be (2.9 MB in 2026), small enough to refuse a wrong URL's download.</summary>
    public const long SidcMaxBytes = 64L * 1024 * 1024;

    public static DownloadLimits Sidc { get; } = new(SidcMaxBytes, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(300));
}
