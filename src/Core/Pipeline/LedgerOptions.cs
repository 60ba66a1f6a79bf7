using System.ComponentModel.DataAnnotations;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>Settings of the forecast ledger, live skill and automatic demotion (section <c>Ledger</c>).</summary>
public sealed class LedgerOptions
{
    public const string SectionName = "Ledger";

    /// <summary>Live skill and the demotion test look at the forecasts issued in this many days back.</summary>
    [Range(7, 3650)]
    public int WindowDays { get; set; } = 90;

    /// <summary>No demotion on fewer scored forecasts at leads 1–7 than this.</summary>
    [Range(10, 100_000)]
    public int DemotionMinCount { get; set; } = 60;
}
