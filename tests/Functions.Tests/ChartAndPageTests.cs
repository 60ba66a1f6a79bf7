using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// <c>GET /api/forecast/chart</c> and <c>GET /api/dashboard</c> over HTTP, on 2026-02-20 with the
/// daily file ending 2026-01-31 (January provisional) and estimates for 1–19 February.
/// </summary>
[Collection(ServedAppCollection.Name)]
public sealed partial class ChartAndPageTests(ServedAppFixture app, AzuriteFixture azurite)
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private async Task<EstimateScenario> StartAsync()
    {
        EstimateScenario scenario = await EstimateScenario.StartAsync(app, azurite, new DateOnly(2026, 2, 20), new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).Build());
        await scenario.IngestEisnAsync();
        return scenario;
    }

    private static string[] Texts(XDocument svg) => [.. svg.Descendants(Svg + "text").Select(t => t.Value.Trim())];

    [Fact]
    public async Task The_chart_draws_each_kind_of_observation_today_the_forecast_with_its_band_dated_axes_and_the_credit()
    {
        await using EstimateScenario scenario = await StartAsync();

        ApiAnswer chart = await scenario.Server.Client.GetAnswerAsync("api/forecast/chart?days=14&history=90");

        Assert.Equal(200, chart.Status);
        Assert.Equal("image/svg+xml", chart.MediaType);
        XDocument svg = XDocument.Parse(chart.Body);
        Assert.Equal("img", svg.Root!.Attribute("role")?.Value);
        Assert.Contains("from 2026-02-21", svg.Root.Element(Svg + "desc")!.Value);
        string[] texts = Texts(svg);
        Assert.Contains("Sunspot number: forecast from 2026-02-21, model version 1", texts);
        Assert.Contains("today", texts);
        Assert.Contains("observed, provisional", texts);
        Assert.Contains("daily estimate (EISN)", texts);
        Assert.Contains("forecast", texts);
        Assert.Contains("90% interval", texts);
        Assert.Contains("50% interval", texts);
        Assert.Contains(texts, t => t.Contains("Source: WDC-SILSO, Royal Observatory of Belgium, Brussels", StringComparison.Ordinal));
        Assert.True(texts.Count(t => IsoDate().IsMatch(t)) >= 3, string.Join(" | ", texts));
        // Every text is drawn with the typeface the app carries, whatever fonts the server has.
        Assert.All(svg.Descendants(Svg + "text"), t => Assert.Equal("DejaVu Sans", t.Attribute("font-family")?.Value));
    }

    [Fact]
    public async Task The_chart_is_cacheable_revalidates_and_names_bad_parameters()
    {
        await using EstimateScenario scenario = await StartAsync();
        HttpClient client = scenario.Server.Client;

        ApiAnswer chart = await client.GetAnswerAsync("api/forecast/chart");
        using var again = new HttpRequestMessage(HttpMethod.Get, "api/forecast/chart");
        again.Headers.IfNoneMatch.Add(chart.Headers.ETag!);
        ApiAnswer revalidated = await ApiAnswer.ReadAsync(await client.SendAsync(again));

        Assert.True(chart.Headers.CacheControl!.Public);
        Assert.NotNull(chart.Headers.CacheControl.MaxAge);
        Assert.Equal(304, revalidated.Status);
        Assert.Contains("default-src 'none'", chart.Headers.GetValues("Content-Security-Policy").Single());
        foreach ((string query, string field) in new[] { ("?history=0", "history"), ("?history=3654", "history"), ("?days=31", "days"), ("?days=-1", "days"), ("?colour=red", "colour") })
        {
            ApiAnswer problem = await client.GetAnswerAsync("api/forecast/chart" + query);
            Assert.Equal(400, problem.Status);
            Assert.Equal(field, problem.Json.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task The_page_is_self_contained_accessible_and_shows_the_apis_numbers()
    {
        await using EstimateScenario scenario = await StartAsync();

        ApiAnswer page = await scenario.Server.Client.GetAnswerAsync("api/dashboard");
        JsonElement forecast = (await scenario.Server.Client.GetAnswerAsync("api/forecast?days=30")).Json;

        Assert.Equal(200, page.Status);
        Assert.Equal("text/html", page.MediaType);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.True(page.Headers.CacheControl!.Public);
        string html = page.Body;
        Assert.Contains("<html lang=\"en\">", html);
        Assert.Contains("<meta name=\"viewport\"", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("<img id=\"chart\" src=\"data:image/svg\\+xml;base64,[^\"]+\" width=\"960\" height=\"440\" alt=\"Chart of the daily sunspot number[^\"]+\">", html);
        // A phone is shown the chart drawn narrow, with its own title and short dates.
        Match compact = Regex.Match(html, "<source media=\"\\(max-width: 48rem\\)\" srcset=\"data:image/svg\\+xml;base64,([^\"]+)\" width=\"480\" height=\"460\">");
        Assert.True(compact.Success, "no compact chart for small screens");
        XDocument narrow = XDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(compact.Groups[1].Value)));
        Assert.Equal("480", narrow.Root!.Attribute("width")?.Value);
        string[] narrowTexts = Texts(narrow);
        Assert.Contains("Forecast from 2026-02-21, model version 1", narrowTexts);
        Assert.Contains("today", narrowTexts);
        Assert.Contains("Royal Observatory of Belgium, Brussels", narrowTexts);
        Assert.Contains(narrowTexts, t => Regex.IsMatch(t, "^\\d{1,2} [A-Z][a-z]{2}$"));
        JsonElement tomorrow = forecast.GetProperty("forecasts")[0];
        Assert.Contains($"<span id=\"tomorrow-value\">{tomorrow.GetProperty("value").GetDouble():0.0}</span>", html);
        Assert.Contains($"<span id=\"tomorrow-lower\">{tomorrow.GetProperty("lower").GetDouble():0.0}</span>", html);
        Assert.Equal(30, Regex.Matches(html, "<tr><th scope=\"row\"><time datetime=\"2026-0[23]-\\d\\d\">").Count);
        Assert.Contains("<dd id=\"model-version\">1</dd>", html);
        // Hashes stay in the JSON; the page folds a shortened one away under "Provenance".
        string sha256 = forecast.GetProperty("model").GetProperty("dataSha256").GetString()!;
        Assert.DoesNotContain(sha256, html);
        Assert.Contains($"SHA-256 <code>{sha256[..12]}&#x2026;</code>", html[html.IndexOf("<details id=\"provenance\">", StringComparison.Ordinal)..]);
        Assert.Contains("<table id=\"days\">", html);
        Assert.Contains("<dl id=\"methods\">\n<dt>linear</dt><dd>a linear regression", html);
        Assert.Contains("2026-02-19 (estimate), 1 day ago", html);
        Assert.Contains("id=\"skill-none\"", html);
    }

    [Fact]
    public async Task Without_a_forecast_the_page_says_why_as_a_503_and_is_not_cached()
    {
        await using EstimateScenario scenario = await EstimateScenario.StartAsync(app, azurite, new DateOnly(2026, 4, 15), eisn: null);

        ApiAnswer page = await scenario.Server.Client.GetAnswerAsync("api/dashboard");

        Assert.Equal(503, page.Status);
        Assert.Equal("text/html", page.MediaType);
        Assert.Equal("no-store", page.Headers.CacheControl!.ToString());
        Assert.NotNull(page.Headers.RetryAfter);
        Assert.Contains("No forecast right now", page.Body);
        Assert.Contains("74 days before today", page.Body);
        Assert.Contains("2026-01-31 (provisional), 74 days ago", page.Body);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex IsoDate();
}
