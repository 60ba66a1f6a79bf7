using Azure;
using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// The champion of a model, as read, with the ETag a change must present. After a demotion with
/// no earlier champion to take over, <see cref="Baseline"/> names the baseline that answers instead
/// and <see cref="Version"/> is 0.
/// </summary>
public sealed record Champion(string Name, int Version, DateTimeOffset PromotedAt, string Reason, ETag ETag, ForecastMethod? Baseline = null)
{
    public bool IsBaseline => Baseline is not null;
}
