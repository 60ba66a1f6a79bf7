using System.ComponentModel.DataAnnotations;

namespace SunspotForecaster.Core.Serving;

/// <summary>Settings of the API (section <c>Serving</c>).</summary>
public sealed class ServingOptions
{
    public const string SectionName = "Serving";

    /// <summary>How often a serving instance looks at the champion alias (its ETag, not the package).</summary>
    [Range(1, 3600)]
    public int ChampionRefreshSeconds { get; set; } = 30;

    /// <summary>Retry-After of the 503 answered while no model exists yet.</summary>
    [Range(1, 86_400)]
    public int RetryAfterSeconds { get; set; } = 300;

    [Range(1_024, 10_485_760)]
    public int MaxBodyBytes { get; set; } = 262_144;

    /// <summary>How long a request body may take to arrive: a slow sender holds a worker no longer (408 after it).</summary>
    [Range(1, 300)]
    public int BodyReadSeconds { get; set; } = 10;

    /// <summary>
    /// A day's EISN estimate counts only when at least this many stations were calculated. None of
    /// the 123 provisional days in the daily file of January 2026 rests on fewer than 10 stations
    /// (5th percentile 15, median 24): an estimate from fewer is weaker than anything SILSO publishes.
    /// </summary>
    [Range(1, 1000)]
    public int EisnMinStations { get; set; } = 10;

    /// <summary>Most daily values a POST forecast may send (ten years).</summary>
    [Range(30, 100_000)]
    public int MaxHistory { get; set; } = 3_653;
}
