using System.ComponentModel.DataAnnotations;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>Settings of the promotion policy (section <c>Promotion</c>).</summary>
public sealed class PromotionOptions
{
    public const string SectionName = "Promotion";

    /// <summary>Car models are compared on every single-car sequence of lengths 1..this.</summary>
    [Range(1, 128)]
    public int CarEnumerationMaxLength { get; set; } = 64;
}
