using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Core.Presentation;

/// <summary>
/// <c>GET /api/dashboard</c>: one self-contained HTML page (no script, no external file; the chart
/// inline) with tomorrow's number and interval in large type, the chart, the next 30 days, the
/// model's provenance, its live skill and the data's freshness. Values come from the same answer the
/// JSON API gives, written with one decimal.
/// </summary>
public static partial class DashboardPage
{
    /// <summary>Observed days the page's chart draws before the forecast.</summary>
    public const int HistoryDays = 120;

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <param name="view">The forecast from the current data, or null when there is none (then <paramref name="unavailable"/> says why).</param>
    public static string Render(ForecastView? view, string? unavailable, HealthSummary health, LiveSkillReport? skill)
    {
        ArgumentNullException.ThrowIfNull(health);
        var page = new StringBuilder(64 * 1024);
        DateOnly? tomorrow = view?.Forecast.Forecasts[0].Date;
        page.Append(CultureInfo.InvariantCulture, $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <title>{(tomorrow is { } day ? $"Sunspot forecast for {day:yyyy-MM-dd}" : "Sunspot forecast unavailable")}</title>
            <style>{Style}</style>
            </head>
            <body>
            <main>
            <h1>Sunspot forecast</h1>

            """);
        if (view is null)
        {
            page.Append(CultureInfo.InvariantCulture, $"""<p class="notice" role="status">No forecast right now: {E(unavailable ?? "no model and data to forecast from yet")}</p>""").Append('\n');
        }
        else
        {
            AppendForecast(page, view);
        }

        AppendProvenance(page, view);
        AppendSkill(page, skill);
        AppendFreshness(page, health);
        page.Append(CultureInfo.InvariantCulture, $"""
            <footer><p>{E(SunspotForecast.Attribution)}. Data: <a href="https://www.sidc.be/SILSO/">sidc.be/SILSO</a>. Forecasts are computed from the daily file and the daily estimate (EISN); dates are UTC.</p></footer>
            </main>
            </body>
            </html>

            """);
        return page.ToString();
    }

    private static void AppendForecast(StringBuilder page, ForecastView view)
    {
        SunspotForecast forecast = view.Forecast;
        ForecastDay first = forecast.Forecasts[0];
        page.Append(CultureInfo.InvariantCulture, $"""
            <section aria-labelledby="tomorrow-heading">
            <h2 id="tomorrow-heading">Tomorrow, <time datetime="{first.Date:yyyy-MM-dd}">{first.Date:dddd d MMMM yyyy}</time></h2>
            <p class="headline"><span id="tomorrow-value">{N(first.Value)}</span>
            """);
        if (first.Lower is { } lower && first.Upper is { } upper)
        {
            page.Append(CultureInfo.InvariantCulture, $"""<span class="interval">{Level(first)} interval <span id="tomorrow-lower">{N(lower)}</span> to <span id="tomorrow-upper">{N(upper)}</span></span>""");
        }

        page.Append("</p>\n");
        page.Append(CultureInfo.InvariantCulture, $"""
            <p>Issued {forecast.IssuedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC from the {Kind(forecast.LastObservation)} value of <time datetime="{forecast.LastObservation.Date:yyyy-MM-dd}">{forecast.LastObservation.Date:yyyy-MM-dd}</time> ({N(forecast.LastObservation.Value)}){(forecast.GapDays > 1 ? $", {forecast.GapDays} days before today: the model rolls through the days between" : string.Empty)}.</p>

            """);
        if (forecast.Fallback)
        {
            page.Append(CultureInfo.InvariantCulture, $"""<p class="notice" role="status">No model could answer ({E(forecast.Reason ?? "unknown reason")}): these values are a baseline, without an interval.</p>""").Append('\n');
        }

        // A phone gets the chart drawn narrow with large text: the wide one scaled to its width would set text at 4 px.
        ChartLayout wide = ChartLayout.Wide, compact = ChartLayout.Compact;
        page.Append(CultureInfo.InvariantCulture, $"""
            </section>
            <figure>
            <picture>
            <source media="(max-width: {CompactUpToRem}rem)" srcset="{ChartUri(view, compact)}" width="{compact.Width}" height="{compact.Height}">
            <img id="chart" src="{ChartUri(view, wide)}" width="{wide.Width}" height="{wide.Height}" alt="{E(ChartAlt(view))}">
            </picture>
            <figcaption>The last {HistoryDays} days observed and the next {forecast.Forecasts.Count} forecast; the lighter band is the {Level(first)} interval, the darker one the middle half (the 0.25 to 0.75 quantiles). <a href="forecast/chart?days={forecast.Forecasts.Count}">Chart alone (SVG)</a>.</figcaption>
            </figure>
            <section aria-labelledby="days-heading">
            <h2 id="days-heading">The next {forecast.Forecasts.Count} days</h2>
            <div class="scroll">
            <table id="days">
            <caption>Forecast daily sunspot number with its {Level(first)} interval (low–high); lead is the number of days after the last observation.</caption>
            <thead><tr><th scope="col">Date</th><th scope="col">Lead</th><th scope="col">Value</th><th scope="col">{Level(first)} interval</th><th scope="col">Method</th></tr></thead>
            <tbody>

            """);
        foreach (ForecastDay day in forecast.Forecasts)
        {
            string interval = day.Lower is { } low && day.Upper is { } high ? $"{N(low)}–{N(high)}" : "none";
            page.Append(CultureInfo.InvariantCulture, $"""<tr><th scope="row"><time datetime="{day.Date:yyyy-MM-dd}">{day.Date:yyyy-MM-dd}</time></th><td>{day.Lead}</td><td>{N(day.Value)}</td><td>{interval}</td><td>{MethodName(day.Method)}</td></tr>""").Append('\n');
        }

        page.Append("</tbody>\n</table>\n</div>\n");
        AppendMethods(page, forecast);
        page.Append("</section>\n");
    }

    /// <summary>What each method in the table is, and why it serves its leads.</summary>
    private static void AppendMethods(StringBuilder page, SunspotForecast forecast)
    {
        string why = forecast.Fallback
            ? "No model could answer, so every lead is served by a baseline."
            : "Each lead is served by the method that forecast that lead best on the validation years, when the model was trained.";
        page.Append(CultureInfo.InvariantCulture, $"""<p id="methods-note">Method: what the value comes from. {why}</p>""").Append('\n');
        page.Append("<dl id=\"methods\">\n");
        foreach (ForecastMethod method in forecast.Forecasts.Select(d => d.Method).Distinct().Order())
        {
            page.Append(CultureInfo.InvariantCulture, $"""<dt>{MethodName(method)}</dt><dd>{MethodMeaning(method)}</dd>""").Append('\n');
        }

        page.Append("</dl>\n");
    }

    private static void AppendProvenance(StringBuilder page, ForecastView? view)
    {
        page.Append("<section aria-labelledby=\"model-heading\">\n<h2 id=\"model-heading\">The model</h2>\n");
        if (view?.Forecast.Model is not { } model)
        {
            page.Append("<p>No model answered this forecast.</p>\n</section>\n");
            return;
        }

        page.Append(CultureInfo.InvariantCulture, $"""
            <dl>
            <dt>Version</dt><dd id="model-version">{(model.Version is { } version ? version.ToString(CultureInfo.InvariantCulture) : "unregistered")}</dd>
            <dt>Trained</dt><dd><time datetime="{model.TrainedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}">{model.TrainedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC</time></dd>

            """);
        if (view.Manifest?.Forecaster is { } details)
        {
            page.Append(CultureInfo.InvariantCulture, $"""
                <dt>On data</dt><dd>trained on {details.Ranges.Train.Start:yyyy-MM-dd} to {details.Ranges.Train.End:yyyy-MM-dd}, validated on {details.Ranges.Validation.Start:yyyy-MM-dd} to {details.Ranges.Validation.End:yyyy-MM-dd}, tested on {details.Ranges.Test.Start:yyyy-MM-dd} to {details.Ranges.Test.End:yyyy-MM-dd}</dd>
                <dt>Network</dt><dd>{E(details.Cell.ToUpperInvariant())}, window of {details.Window} days</dd>

                """);
        }

        // Hashes mean nothing to a reader: shortened, and folded away; the JSON API gives them whole.
        page.Append(CultureInfo.InvariantCulture, $"""
            <dt>Test RMSE</dt><dd>{model.TestRmse.ToString("0.000", CultureInfo.InvariantCulture)}</dd>
            </dl>
            <details id="provenance"><summary>Provenance</summary>
            <dl>
            <dt>Daily file</dt><dd>SHA-256 <code>{E(Shortened(model.DataSha256 ?? "unknown"))}</code> (whole in <a href="forecast">the JSON answer</a>)</dd>
            <dt>Code</dt><dd><code>{E(Shortened(model.CodeVersion))}</code></dd>
            </dl>
            </details>
            </section>

            """);
    }

    private static void AppendSkill(StringBuilder page, LiveSkillReport? skill)
    {
        page.Append("<section aria-labelledby=\"skill-heading\">\n<h2 id=\"skill-heading\">Live skill</h2>\n");
        if (skill is null || skill.Lines.Count == 0)
        {
            page.Append("<p id=\"skill-none\">No served forecast has been scored yet: each day's forecast is scored when its day's value arrives.</p>\n</section>\n");
            return;
        }

        page.Append(CultureInfo.InvariantCulture, $"""
            <p>Forecasts issued {skill.From:yyyy-MM-dd} to {skill.To:yyyy-MM-dd}, scored against the values since published. Skill above 0 beats the baseline.</p>
            <div class="scroll">
            <table id="skill">
            <caption>Live errors per model version and lead band (version 0: a baseline served while no model could).</caption>
            <thead><tr><th scope="col">Version</th><th scope="col">Leads</th><th scope="col">Scored</th><th scope="col">RMSE</th><th scope="col">Persistence RMSE</th><th scope="col">Skill vs persistence</th><th scope="col">Skill vs 27-day mean</th><th scope="col">Interval coverage</th></tr></thead>
            <tbody>

            """);
        foreach (SkillLine line in skill.Lines)
        {
            page.Append(CultureInfo.InvariantCulture, $"""<tr><th scope="row">{line.Version}</th><td>{line.Band}</td><td>{line.Count}</td><td>{line.Rmse:0.00}</td><td>{line.PersistenceRmse:0.00}</td><td>{line.SkillVsPersistence:0.000}</td><td>{line.SkillVsRotationMean:0.000}</td><td>{(line.Coverage is { } coverage ? coverage.ToString("P1", CultureInfo.InvariantCulture) : "none")}</td></tr>""").Append('\n');
        }

        page.Append("</tbody>\n</table>\n</div>\n");
        if (skill.ChampionTest is { } test)
        {
            page.Append(CultureInfo.InvariantCulture, $"""<p>Champion against persistence at leads 1 to 7 since its promotion: {test.Count} forecasts over {test.Days} days, RMSE {test.ModelRmse:0.00} against {test.PersistenceRmse:0.00} (one-sided p = {test.PValue:0.000}).</p>""").Append('\n');
        }

        page.Append("</section>\n");
    }

    private static void AppendFreshness(StringBuilder page, HealthSummary health)
    {
        page.Append("<section aria-labelledby=\"data-heading\">\n<h2 id=\"data-heading\">The data</h2>\n<dl>\n");
        if (health.Data is { } data)
        {
            page.Append(CultureInfo.InvariantCulture, $"""
                <dt>Newest observation</dt><dd id="data-last">{(data.LastObservation is { } last ? $"{last:yyyy-MM-dd} ({E(data.LastObservationKind?.ToString().ToLowerInvariant() ?? "unknown")}), {Days(data.AgeDays ?? 0)} ago" : "none")}</dd>
                <dt>Daily file</dt><dd>last day {data.FileLastDate:yyyy-MM-dd}, stored {data.StoredAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC</dd>

                """);
            if (data.Stale)
            {
                page.Append(CultureInfo.InvariantCulture, $"""<dt>Stale</dt><dd class="notice">{E(data.StaleReason ?? "yes")}</dd>""").Append('\n');
            }
        }
        else
        {
            page.Append("<dt>Daily file</dt><dd>none ingested yet</dd>\n");
        }

        HealthSummary.EisnState eisn = health.Eisn;
        page.Append(CultureInfo.InvariantCulture, $"""
            <dt>Daily estimate (EISN)</dt><dd>{(eisn.FetchedAt is { } fetched ? $"fetched {fetched.UtcDateTime:yyyy-MM-dd HH:mm} UTC, {eisn.DaysUsed} days used" : "none stored")}{(eisn.Note is { } note ? $"; {E(note)}" : string.Empty)}</dd>

            """);
        AppendIngest(page, "Last check of the daily file", health.LastIngest);
        AppendIngest(page, "Last check of the estimate", health.LastEisnIngest);
        page.Append("</dl>\n</section>\n");
    }

    private static void AppendIngest(StringBuilder page, string label, HealthSummary.IngestState? ingest) =>
        page.Append(CultureInfo.InvariantCulture, $"""<dt>{label}</dt><dd>{(ingest is null ? "never" : $"{ingest.Time.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {E(ingest.Outcome.ToLowerInvariant())}{(ingest.Error is { } error ? $" ({E(error)})" : string.Empty)}")}</dd>""").Append('\n');

    /// <summary>Screens up to this width (in rem) are shown the compact chart.</summary>
    private const int CompactUpToRem = 48;

    private static string ChartUri(ForecastView view, ChartLayout layout) =>
        "data:image/svg+xml;base64," + Convert.ToBase64String(Encoding.UTF8.GetBytes(ForecastChart.Svg(view.Series, view.Forecast, HistoryDays, layout)));

    private static string ChartAlt(ForecastView view)
    {
        SunspotForecast forecast = view.Forecast;
        ForecastDay first = forecast.Forecasts[0];
        ForecastDay last = forecast.Forecasts[^1];
        return string.Create(CultureInfo.InvariantCulture,
            $"Chart of the daily sunspot number: the last {HistoryDays} days observed, then the forecast from {N(first.Value)} on {first.Date:yyyy-MM-dd} to {N(last.Value)} on {last.Date:yyyy-MM-dd}{(first.Lower is not null ? " with its interval shaded" : string.Empty)}.");
    }

    private static string Days(int count) => count == 1 ? "1 day" : string.Create(CultureInfo.InvariantCulture, $"{count} days");

    private static string Kind(LastObservation last) => last.Kind?.ToString().ToLowerInvariant() ?? "given";

    private static string Level(ForecastDay day) => ((day.IntervalLevel ?? 0.9) * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string MethodName(ForecastMethod method) => method switch
    {
        ForecastMethod.Model => "network",
        ForecastMethod.Persistence => "persistence",
        ForecastMethod.Linear => "linear",
        _ => "27-day mean",
    };

    private static string MethodMeaning(ForecastMethod method) => method switch
    {
        ForecastMethod.Model => "the recurrent neural network, rolled forward day by day from the recent values",
        ForecastMethod.Persistence => "the last observed value, carried forward unchanged",
        ForecastMethod.Linear => "a linear regression fitted for this lead on the recent values and their 27- and 81-day means",
        _ => "the mean of the last 27 days observed, one solar rotation",
    };

    /// <summary><paramref name="text"/> with every long hexadecimal hash cut to its first 12 digits, as Git shortens commits.</summary>
    public static string Shortened(string text) => LongHex().Replace(text, hash => hash.Value[..12] + "…");

    [GeneratedRegex("[0-9a-fA-F]{16,}")]
    private static partial Regex LongHex();

    /// <summary>A value as the page writes it: one decimal, invariant culture.</summary>
    public static string N(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string E(string text) => Html.Encode(text);

    private const string Style = """
        :root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1f2933;background:#fff}
        @media (prefers-color-scheme:dark){:root{color:#e5e7eb;background:#111827}a{color:#93c5fd}th,td{border-color:#374151!important}}
        main{max-width:62rem;margin:0 auto;padding:1rem}
        h1{font-size:1.5rem;margin:.2rem 0}
        .headline{margin:.2rem 0}
        #tomorrow-value{font-size:clamp(3.5rem,16vw,6rem);font-weight:700;line-height:1.05;margin-right:.6rem}
        .interval{font-size:clamp(1.2rem,5vw,1.8rem);white-space:nowrap}
        .notice{background:#fff4e5;color:#7a3e00;padding:.5rem .75rem;border-left:4px solid #c2410c}
        figure{margin:1rem 0}
        img{max-width:100%;height:auto;background:#fff}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;min-width:100%}
        caption{text-align:left;font-size:.9rem;padding:.3rem 0}
        th,td{padding:.3rem .6rem;border-bottom:1px solid #d1d5db;text-align:right;white-space:nowrap}
        th[scope=row],thead th:first-child{text-align:left}
        dl{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.2rem 1rem}
        dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
        footer{margin-top:2rem;font-size:.9rem}
        summary{cursor:pointer;font-weight:600;margin:.5rem 0}
        #methods-note{margin-bottom:.2rem}
        @media (max-width:40rem){main{padding:.75rem}dl{grid-template-columns:1fr}dd{margin-bottom:.5rem}.interval{display:block;white-space:normal}
        #days th,#days td{padding:.25rem .3rem;font-size:.8125rem}#days tbody th{font-weight:400}#days thead th,#days td:last-child{white-space:normal;vertical-align:bottom}}
        """;
}
