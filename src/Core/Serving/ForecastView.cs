using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;

namespace SunspotForecaster.Core.Serving;

/// <summary>
/// A forecast with what it was made from, for the chart and the page: the observed days, the
/// manifest of the model that answered (none in a fallback), and, when served from storage, a tag
/// that changes exactly when the answer can (the data, the champion or the day) and how many
/// seconds a cache may keep it.
/// </summary>
public sealed record ForecastView(SunspotForecast Forecast, ObservedSeries Series, ModelManifest? Manifest, string? Tag = null, int? MaxAgeSeconds = null);
