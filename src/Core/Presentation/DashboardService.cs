using System.Collections.Concurrent;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Core.Presentation;

/// <summary>The chart and the page from the current forecast, the health summary and the live skill.</summary>
public sealed class DashboardService(ForecastService forecasts, ModelCatalog catalog, LedgerService ledger, TimeProvider clock)
{
    public const string SvgMediaType = "image/svg+xml";
    public const string HtmlMediaType = "text/html; charset=utf-8";

    // Drawing takes milliseconds: charts are kept per (state, days, history) until the state changes.
    private readonly ConcurrentDictionary<(string? Tag, int Days, int History), string> _charts = new();

    // The page reads health and 90 days of the ledger from storage: it is kept as long as it tells
    // caches they may keep it (its max-age), for the same forecast. A reference, so that requests
    // on other threads read a whole one (a struct this size could be read half-written).
    private KeptPage? _page;

    /// <exception cref="NotReadyException">No data or no model yet.</exception>
    /// <exception cref="DataTooOldException">The newest observation is too old for the days asked.</exception>
    public async Task<RenderedPage> ChartAsync(int days, int historyDays, CancellationToken cancellationToken)
    {
        ForecastView view = await forecasts.LatestAsync(days, cancellationToken).ConfigureAwait(false);
        if (_charts.Keys.Any(key => key.Tag != view.Tag) || _charts.Count > 256)
        {
            _charts.Clear();
        }

        string svg = _charts.GetOrAdd((view.Tag, days, historyDays), _ => ForecastChart.Svg(view.Series, view.Forecast, historyDays));
        return RenderedPage.Of(svg, SvgMediaType, view.MaxAgeSeconds ?? 0, hasForecast: true);
    }

    /// <summary>The page; without a forecast (no data, no model, data too old) it says why and holds the rest.</summary>
    public async Task<RenderedPage> PageAsync(CancellationToken cancellationToken)
    {
        ForecastView? view = null;
        string? unavailable = null;
        DateTimeOffset now = clock.GetUtcNow();
        try
        {
            view = await forecasts.LatestAsync(ForecastModel.MaxDays, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NotReadyException or DataTooOldException)
        {
            unavailable = e.Message;
        }

        if (view is not null && _page is { } kept && kept.Tag == view.Tag && now < kept.Until)
        {
            return kept.Page with { MaxAgeSeconds = (int)Math.Ceiling((kept.Until - now).TotalSeconds) };
        }

        HealthSummary health = await catalog.HealthAsync(cancellationToken).ConfigureAwait(false);
        LiveSkillReport skill = await ledger.SkillAsync(cancellationToken).ConfigureAwait(false);
        RenderedPage page = RenderedPage.Of(DashboardPage.Render(view, unavailable, health, skill), HtmlMediaType, view?.MaxAgeSeconds ?? 0, hasForecast: view is not null);
        if (view is not null)
        {
            _page = new KeptPage(view.Tag, now.AddSeconds(page.MaxAgeSeconds), page);
        }

        return page;
    }

    private sealed record KeptPage(string? Tag, DateTimeOffset Until, RenderedPage Page);
}
