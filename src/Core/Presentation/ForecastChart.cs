using System.Globalization;
using System.Security;
using ScottPlot;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Core.Presentation;

/// <summary>
/// The forecast as a picture (SVG, drawn by ScottPlot): the last observed days, each kind drawn
/// apart (definitive, provisional, estimate), the issue day marked, the forecast with its 90% band,
/// dated axes and SILSO's credit, the legend below the plot. The same picture for
/// <c>GET /api/forecast/chart</c>, the page and <c>sunspots forecast --chart</c>, drawn in the
/// <see cref="ChartLayout.Wide"/> layout, or <see cref="ChartLayout.Compact"/> for a phone's width.
/// </summary>
public static partial class ForecastChart
{
    /// <summary>Most observed days a chart draws (ten years).</summary>
    public const int MaxHistoryDays = 3_653;

    private static readonly Color Definitive = Color.FromHex("#1f2933");
    private static readonly Color Provisional = Color.FromHex("#2a6fdb");
    private static readonly Color Estimate = Color.FromHex("#c2410c");
    private static readonly Color ForecastColour = Color.FromHex("#7c3aed");

    /// <summary>The chart of <paramref name="forecast"/> after the last <paramref name="historyDays"/> days of <paramref name="series"/> up to its last observation.</summary>
    public static string Svg(ObservedSeries series, SunspotForecast forecast, int historyDays) => Svg(series, forecast, historyDays, ChartLayout.Wide);

    /// <summary>The same chart drawn in <paramref name="layout"/>.</summary>
    public static string Svg(ObservedSeries series, SunspotForecast forecast, int historyDays, ChartLayout layout)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(layout);
        if (historyDays is < 1 or > MaxHistoryDays)
        {
            throw new ArgumentException($"history must be between 1 and {MaxHistoryDays} days; it is {historyDays}.", nameof(historyDays));
        }

        ChartFonts.EnsureRegistered();
        using var plot = new Plot();
        int end = Math.Max(series.LastObservedIndex, 0);
        int start = Math.Max(0, end - historyDays + 1);
        AddObserved(plot, series, start, end, ObservationKind.Definitive, Definitive, "observed, definitive");
        AddObserved(plot, series, start, end, ObservationKind.Provisional, Provisional, "observed, provisional");
        AddObserved(plot, series, start, end, ObservationKind.Estimate, Estimate, "daily estimate (EISN)");
        AddForecast(plot, forecast);

        // The date axis first: until it is in place the data have no limits to read.
        // A narrow chart has room for a tick a month only with short dates.
        string dates = layout.Narrow ? "d MMM" : "yyyy-MM-dd";
        plot.Axes.DateTimeTicksBottom().TickGenerator = new ScottPlot.TickGenerators.DateTimeAutomatic
        {
            LabelFormatter = date => date.ToString(dates, CultureInfo.InvariantCulture),
        };
        DateOnly issueDay = SunspotForecast.IssueDay(forecast.IssuedAt);
        double top = Math.Max(10, plot.Axes.GetDataLimits().Top) * Headroom;
        AddToday(plot, issueDay, top, layout);
        plot.Axes.SetLimitsY(0, top);
        Style(plot, layout);
        // On a narrow chart the credit is wider than the plot: it breaks after the data centre's name.
        plot.Axes.Bottom.Label.Text = layout.Narrow
            ? $"UTC date. {SunspotForecast.Attribution.Replace("WDC-SILSO, ", "WDC-SILSO,\n", StringComparison.Ordinal)}"
            : $"UTC date.  {SunspotForecast.Attribution}";
        plot.Axes.Left.Label.Text = "Daily sunspot number";
        plot.Title(Title(forecast, issueDay, layout));
        // Below the plot, where it can cover no data.
        plot.ShowLegend(Edge.Bottom);
        return Accessible(StableIds(plot.GetSvgXml(layout.Width, layout.Height)), Description(series, forecast, start, end));
    }

    // Room above the highest value or bound for the "today" label, so that it covers no data and stays clear of the title.
    private const double Headroom = 1.18;

    private static void AddToday(Plot plot, DateOnly issueDay, double top, ChartLayout layout)
    {
        var line = plot.Add.VerticalLine(X(issueDay));
        line.LineColor = Colors.Gray;
        line.LinePattern = LinePattern.Dashed;
        line.ExcludeFromLegend = true;

        var label = plot.Add.Text("today", X(issueDay), top);
        label.LabelFontSize = layout.TextSize;
        label.LabelFontColor = Colors.Black;
        label.LabelAlignment = Alignment.UpperRight;
        label.OffsetX = -4;
        label.OffsetY = 4;
    }

    private static void Style(Plot plot, ChartLayout layout)
    {
        foreach (IAxis axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
        {
            axis.TickLabelStyle.FontSize = layout.TextSize;
            axis.Label.FontSize = layout.TextSize + 1;
        }

        plot.Axes.Bottom.Label.FontSize = layout.TextSize;
        plot.Axes.Title.Label.FontSize = layout.TitleSize;
        plot.Legend.FontSize = layout.TextSize;
    }

    private static string Title(SunspotForecast forecast, DateOnly issueDay, ChartLayout layout)
    {
        string from = string.Create(CultureInfo.InvariantCulture, $"from {issueDay.AddDays(1):yyyy-MM-dd}");
        if (forecast.Fallback)
        {
            // The legend and the page say it is a fallback: a phone's title has no room for why.
            return $"Sunspot number: {Method(forecast)} {from}{(layout.Narrow ? string.Empty : " (no model could answer)")}";
        }

        string version = forecast.Model?.Version is { } v ? string.Create(CultureInfo.InvariantCulture, $", model version {v}") : string.Empty;
        return layout.Narrow ? $"Forecast {from}{version}" : $"Sunspot number: forecast {from}{version}";
    }

    private static string Method(SunspotForecast forecast) =>
        forecast.Forecasts.FirstOrDefault()?.Method == ForecastMethod.RotationMean ? "27-day mean" : "persistence";

    private static void AddObserved(Plot plot, ObservedSeries series, int start, int end, ObservationKind kind, Color colour, string legend)
    {
        bool labelled = false;
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = start; i <= end + 1; i++)
        {
            bool inRun = i <= end && float.IsFinite(series.Values[i]) && series.KindAt(i) == kind;
            if (inRun)
            {
                xs.Add(X(series.DateAt(i)));
                ys.Add(series.Values[i]);
                continue;
            }

            // A run ends at a day of another kind or without an observation: the line breaks there.
            if (xs.Count > 0)
            {
                var run = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), colour);
                run.LineWidth = kind == ObservationKind.Definitive ? 1.5f : 2f;
                run.MarkerSize = kind == ObservationKind.Estimate || xs.Count == 1 ? 5 : 0;
                run.LinePattern = kind == ObservationKind.Provisional ? LinePattern.Dashed : LinePattern.Solid;
                run.LegendText = labelled ? string.Empty : legend;
                labelled = true;
                xs.Clear();
                ys.Clear();
            }
        }
    }

    private static void AddForecast(Plot plot, SunspotForecast forecast)
    {
        double[] xs = [.. forecast.Forecasts.Select(d => X(d.Date))];
        double[] values = [.. forecast.Forecasts.Select(d => (double)d.Value)];
        // A fan: the 90% interval (0.05 to 0.95) lighter, the middle half (0.25 to 0.75) darker on top.
        if (forecast.Forecasts.All(d => d.Lower is not null && d.Upper is not null))
        {
            double level = forecast.Forecasts[0].IntervalLevel ?? 0.9;
            AddBand(plot, xs, [.. forecast.Forecasts.Select(d => (double)d.Lower!.Value)], [.. forecast.Forecasts.Select(d => (double)d.Upper!.Value)], 0.18, $"{level * 100:0}% interval");
        }

        if (forecast.Forecasts.All(d => d.Quantiles is not null))
        {
            AddBand(plot, xs, [.. forecast.Forecasts.Select(d => (double)d.Quantiles![0.25])], [.. forecast.Forecasts.Select(d => (double)d.Quantiles![0.75])], 0.32, "50% interval");
        }

        var line = plot.Add.Scatter(xs, values, ForecastColour);
        line.LineWidth = 2.5f;
        line.MarkerSize = xs.Length == 1 ? 7 : 4;
        line.LinePattern = forecast.Fallback ? LinePattern.Dotted : LinePattern.Solid;
        line.LegendText = forecast.Fallback ? $"{Method(forecast)} (fallback)" : "forecast";
    }

    private static void AddBand(Plot plot, double[] xs, double[] lower, double[] upper, double alpha, string legend)
    {
        var band = plot.Add.FillY(xs, lower, upper);
        band.FillColor = ForecastColour.WithAlpha(alpha);
        band.LineWidth = 0;
        band.LegendText = legend;
    }

    private static double X(DateOnly date) => date.ToDateTime(TimeOnly.MinValue).ToOADate();

    private static string Description(ObservedSeries series, SunspotForecast forecast, int start, int end)
    {
        ForecastDay first = forecast.Forecasts[0];
        ForecastDay last = forecast.Forecasts[^1];
        string interval = first.Lower is { } low && first.Upper is { } high ? string.Create(CultureInfo.InvariantCulture, $" (90% interval {low:0.0} to {high:0.0})") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"Daily sunspot number observed from {series.DateAt(start):yyyy-MM-dd} to {series.DateAt(end):yyyy-MM-dd}, and forecast from {first.Date:yyyy-MM-dd} ({first.Value:0.0}{interval}) to {last.Date:yyyy-MM-dd} ({last.Value:0.0}). {SunspotForecast.Attribution}.");
    }

    // ScottPlot writes a bare <svg>: give it a role, a title and a description for screen readers.
    /// <summary>
    /// Skia's SVG canvas names clip paths from a counter that outlives one drawing, so the same chart
    /// came out with other ids, bytes and ETag on another instance or at a later render (a cache
    /// could not revalidate it). They are renumbered in order of appearance.
    /// </summary>
    private static string StableIds(string svg)
    {
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        return ClipId().Replace(svg, match =>
        {
            if (!ids.TryGetValue(match.Value, out string? id))
            {
                id = string.Create(CultureInfo.InvariantCulture, $"cl_{ids.Count}");
                ids[match.Value] = id;
            }

            return id;
        });
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=id=""|url\(#)cl_[0-9a-f]+(?=["")])")]
    private static partial System.Text.RegularExpressions.Regex ClipId();

    private static string Accessible(string svg, string description)
    {
        int open = svg.IndexOf("<svg", StringComparison.Ordinal);
        int close = svg.IndexOf('>', open);
        string escaped = SecurityElement.Escape(description);
        return string.Concat(
            svg.AsSpan(open, close - open),
            " role=\"img\" aria-labelledby=\"chart-title chart-description\">",
            $"<title id=\"chart-title\">Sunspot forecast chart</title><desc id=\"chart-description\">{escaped}</desc>",
            svg.AsSpan(close + 1));
    }
}
