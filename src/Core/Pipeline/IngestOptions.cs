using System.ComponentModel.DataAnnotations;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>Settings of the ingest (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    [Required]
    [Url]
    public string SourceUrl { get; set; } = "https://www.sidc.be/SILSO/INFO/sndtotcsv.php";

    /// <summary>SILSO's daily estimate for the current month (EISN), fetched hourly; the same timeouts and retries apply.</summary>
    [Required]
    [Url]
    public string EisnSourceUrl { get; set; } = "https://www.sidc.be/SILSO/DATA/EISN/EISN_current.csv";

    /// <summary>How long one attempt of the download may take.</summary>
    [Range(1, 600)]
    public int AttemptTimeoutSeconds { get; set; } = 60;

    /// <summary>Retries after a failed attempt (a 5xx, 408, 429 or a broken connection), with back-off; a Retry-After is honoured.</summary>
    [Range(1, 10)]
    public int Retries { get; set; } = 3;

    [Range(0.01, 300)]
    public double RetryDelaySeconds { get; set; } = 5;

    /// <summary>The whole download, retries included.</summary>
    [Range(1, 1800)]
    public int TotalTimeoutSeconds { get; set; } = 300;
}
