using System.ComponentModel.DataAnnotations;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>The retrain job's app settings (section <c>Training</c>): its time budget and its trainer lease.</summary>
public sealed class RetrainJobOptions
{
    public const string SectionName = "Training";

    /// <summary>Wall-clock budget of one training run; it must fit well inside the function timeout.</summary>
    [Range(1, 600)]
    public int BudgetMinutes { get; set; } = 20;

    /// <summary>
    /// Period of the trainer lease, renewed three times per period: a trainer that crashed frees the
    /// model after at most this long. Blob leases last 15 to 60 seconds.
    /// </summary>
    [Range(15, 60)]
    public int LeaseSeconds { get; set; } = 60;
}
