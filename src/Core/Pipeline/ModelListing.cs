using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// A model's registered versions, oldest first; which one is champion (none while a baseline
/// answers after a demotion: <see cref="Baseline"/>); and the demotions, newest first.
/// </summary>
public sealed record ModelListing(string Name, int? Champion, ForecastMethod? Baseline, IReadOnlyList<ModelVersion> Versions, IReadOnlyList<Demotion> Demotions);
