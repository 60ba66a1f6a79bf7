using SunspotForecaster.Core.Forecasting;

namespace SunspotForecaster.Core.Serving;

/// <summary>The model that answered (absent in a fallback).</summary>
public sealed record ForecastModelInfo(string Name, int Version, DateTimeOffset TrainedAt, double TestRmse, string? DataSha256);

/// <summary>One forecast day; a fallback has no interval.</summary>
public sealed record ForecastDay(DateOnly Date, float Value, float? Lower, float? Upper, double? IntervalLevel);

/// <summary>The answer of <c>GET/POST /api/forecast</c>.</summary>
public sealed record ForecastResponse(ForecastModelInfo? Model, LastObservation LastObservation, IReadOnlyList<ForecastDay> Forecasts, string Source, bool Fallback, string? Reason)
{
    public static ForecastResponse From(SeriesForecast forecast, int version) => new(
        new ForecastModelInfo(forecast.Model.Name, version, forecast.Model.TrainedAt, forecast.Model.TestRmse, forecast.Model.DataSha256),
        forecast.LastObservation,
        forecast.Forecasts.Select(f => new ForecastDay(f.Date, f.Value, f.Lower, f.Upper, f.IntervalLevel)).ToArray(),
        forecast.Source,
        Fallback: false,
        Reason: null);

    /// <summary>Tomorrow = today for every day, when the champion cannot be used.</summary>
    public static ForecastResponse Persistence(LastObservation last, int days, string reason) => new(
        null,
        last,
        Enumerable.Range(1, days).Select(h => new ForecastDay(last.Date.AddDays(h), last.Value, null, null, null)).ToArray(),
        SeriesForecast.Attribution,
        Fallback: true,
        Reason: reason);
}
