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

    /// <summary>Most daily values a POST forecast may send (ten years).</summary>
    [Range(30, 100_000)]
    public int MaxHistory { get; set; } = 3_653;
}
