using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// <c>GET /api/dashboard</c> in headless Chromium (the system's, driven by Playwright) against the
/// real server: it loads without a console error, the chart is drawn, the numbers equal the JSON
/// API's, it fits a phone, and screenshots are kept in <c>artifacts/screenshots</c>. Without a
/// browser the tests say they skipped (<c>.ci/run</c> installs Debian's <c>chromium</c>).
/// </summary>
[Collection(ServedAppCollection.Name)]
public sealed class BrowserTests(ServedAppFixture app, AzuriteFixture azurite)
{
    /// <summary>The browser: <c>CHROMIUM_PATH</c>, else Debian's.</summary>
    private static readonly string Chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly string Screenshots = Path.Combine(RepositoryPaths.Root, "artifacts", "screenshots");

    private static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        Skip.IfNot(File.Exists(Chromium), $"no Chromium at {Chromium}: install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH");
        IPlaywright playwright = await Playwright.CreateAsync();
        IBrowser browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            // Containers run as root without a GPU and with a small /dev/shm.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    private static string N(JsonElement value) => value.GetDouble().ToString("0.0", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task The_page_loads_without_errors_draws_the_chart_and_shows_the_apis_numbers()
    {
        await using OpenedDashboard opened = await OpenedDashboard.OpenAsync(app, azurite, Screen(1280, 900, mobile: false));
        JsonElement forecast = (await opened.Scenario.Server.Client.GetAnswerAsync("api/forecast?days=30")).Json;
        IPage page = opened.Page;
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type is "error" or "warning") errors.Add($"console {message.Type}: {message.Text}"); };
        page.PageError += (_, error) => errors.Add($"page error: {error}");
        page.RequestFailed += (_, request) => errors.Add($"request failed: {request.Url}");

        IResponse? response = await opened.GotoDashboardAsync();

        Assert.Equal(200, response!.Status);
        Assert.Empty(errors);
        ILocator chart = page.Locator("img#chart");
        Assert.True(await chart.IsVisibleAsync());
        Assert.True(await chart.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0 && img.naturalHeight > 0"), "the chart did not decode");
        LocatorBoundingBoxResult box = (await chart.BoundingBoxAsync())!;
        Assert.True(box.Width > 300 && box.Height > 100, $"the chart is {box.Width}x{box.Height}");
        Assert.StartsWith("Chart of the daily sunspot number", await chart.GetAttributeAsync("alt"));

        JsonElement tomorrow = forecast.GetProperty("forecasts")[0];
        Assert.Equal(N(tomorrow.GetProperty("value")), await page.Locator("#tomorrow-value").InnerTextAsync());
        Assert.Equal(N(tomorrow.GetProperty("lower")), await page.Locator("#tomorrow-lower").InnerTextAsync());
        Assert.Equal(N(tomorrow.GetProperty("upper")), await page.Locator("#tomorrow-upper").InnerTextAsync());
        IReadOnlyList<string> dates = await page.Locator("table#days tbody tr th time").AllInnerTextsAsync();
        IReadOnlyList<string> values = await page.Locator("table#days tbody tr td:nth-of-type(2)").AllInnerTextsAsync();
        Assert.Equal([.. forecast.GetProperty("forecasts").EnumerateArray().Select(d => d.GetProperty("date").GetString()!)], dates);
        Assert.Equal([.. forecast.GetProperty("forecasts").EnumerateArray().Select(d => N(d.GetProperty("value")))], values);
        Assert.Equal(forecast.GetProperty("model").GetProperty("version").GetInt32().ToString(CultureInfo.InvariantCulture), await page.Locator("#model-version").InnerTextAsync());

        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard-desktop.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task On_a_phone_the_page_fits_the_width_and_the_headline_comes_first()
    {
        await using OpenedDashboard opened = await OpenedDashboard.OpenAsync(app, azurite, Phone);
        IPage page = opened.Page;

        await opened.GotoDashboardAsync();

        // Nothing wider than the screen: no sideways scrolling on the page itself (the table may scroll in its own box).
        Assert.True(await page.EvaluateAsync<bool>("width => document.documentElement.scrollWidth <= width", PhoneWidth),
            $"the page is {await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px wide on a 390 px screen");
        LocatorBoundingBoxResult chart = (await page.Locator("img#chart").BoundingBoxAsync())!;
        Assert.True(chart.Width <= 390, $"the chart is {chart.Width} px wide");
        LocatorBoundingBoxResult headline = (await page.Locator("#tomorrow-value").BoundingBoxAsync())!;
        Assert.True(headline.Y + headline.Height <= 844, "tomorrow's number is below the first screen");
        float fontSize = await page.Locator("#tomorrow-value").EvaluateAsync<float>("e => parseFloat(getComputedStyle(e).fontSize)");
        Assert.True(fontSize >= 32, $"tomorrow's number is set in {fontSize} px");

        Directory.CreateDirectory(Screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard-phone.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task On_a_phone_every_column_of_the_30_day_table_shows_and_the_methods_are_explained_without_hashes()
    {
        await using OpenedDashboard opened = await OpenedDashboard.OpenAsync(app, azurite, Phone);
        IPage page = opened.Page;

        await opened.GotoDashboardAsync();
        Directory.CreateDirectory(Screenshots);
        await page.Locator("section[aria-labelledby=days-heading]").ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "dashboard-phone-table.png") });

        // Every cell must show on the screen (its 390 px: a phone's browser zooms out of a page that
        // overflows, and then innerWidth grows) and inside every box that would clip it (one that scrolls sideways).
        JsonElement beyond = await page.EvaluateAsync<JsonElement>("""
            width => {
                const table = document.querySelector('table#days');
                let left = 0, right = width;
                for (let box = table.parentElement; box; box = box.parentElement) {
                    if (getComputedStyle(box).overflowX !== 'visible') {
                        left = Math.max(left, box.getBoundingClientRect().left);
                        right = Math.min(right, box.getBoundingClientRect().right);
                    }
                }
                return [...table.rows].flatMap(row => [...row.cells])
                    .map(cell => ({ text: cell.textContent, box: cell.getBoundingClientRect() }))
                    .filter(cell => cell.box.left < left || cell.box.right > right)
                    .map(cell => `${cell.text} (${cell.box.left}..${cell.box.right} outside ${left}..${right})`);
            }
            """, PhoneWidth);
        Assert.True(beyond.GetArrayLength() == 0, $"cells off a 390 px screen: {beyond}");
        float cellFont = await page.Locator("table#days tbody td").First.EvaluateAsync<float>("e => parseFloat(getComputedStyle(e).fontSize)");
        Assert.True(cellFont >= 12, $"the table is set in {cellFont} px");

        string visible = await page.Locator("body").InnerTextAsync();
        Assert.DoesNotMatch("[0-9a-fA-F]{64}", visible);

        // Every method the table names is explained under it, with why it serves its leads.
        IReadOnlyList<string> methods = await page.Locator("table#days tbody td:nth-of-type(4)").AllInnerTextsAsync();
        IReadOnlyList<string> explained = await page.Locator("dl#methods dt").AllInnerTextsAsync();
        Assert.NotEmpty(methods);
        Assert.All(methods.Distinct(), method => Assert.Contains(method, explained));
        Assert.Contains("validation", await page.Locator("#methods-note").InnerTextAsync());
    }

    [SkippableTheory]
    [InlineData("phone", 390, 844)]
    [InlineData("desktop", 1280, 900)]
    public async Task The_charts_text_is_readable_its_legend_is_off_the_data_and_today_clears_the_title(string screen, int width, int height)
    {
        await using OpenedDashboard opened = await OpenedDashboard.OpenAsync(app, azurite, Screen(width, height, mobile: screen == "phone"));
        IPage page = opened.Page;
        await opened.GotoDashboardAsync();

        Directory.CreateDirectory(Screenshots);
        await page.Locator("figure").ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"dashboard-{screen}-chart.png") });

        ChartGeometry chart = await ChartGeometry.MeasureAsync(page.Locator("img#chart"));

        Assert.All(chart.Texts, text => Assert.True(text.FontSize >= 10, $"'{text.Text}' is {text.FontSize:0.0} px on a {width} px screen"));
        Assert.All(chart.Texts, text => Assert.True(chart.Picture.Contains(text.Box), $"'{text.Text}' {text.Box} runs off the picture {chart.Picture}"));
        string[] legend = ["observed, definitive", "observed, provisional", "daily estimate (EISN)", "forecast", "90% interval", "50% interval"];
        ChartText[] items = [.. chart.Texts.Where(t => legend.Contains(t.Text))];
        Assert.Equal(legend.Length, items.Length);
        Assert.All(items, item => Assert.False(item.Box.Intersects(chart.Data), $"the legend's '{item.Text}' {item.Box} lies on the data {chart.Data}"));
        ChartText title = Assert.Single(chart.Texts, t => t.Text.Contains("from 2026-02-21", StringComparison.Ordinal));
        ChartText today = Assert.Single(chart.Texts, t => t.Text == "today");
        Assert.False(today.Box.Intersects(title.Box), $"'today' {today.Box} overlaps the title {title.Box}");
        Assert.True(chart.Data.Contains(today.Box), $"'today' {today.Box} is not beside its line in the data {chart.Data}");
    }

    private const int PhoneWidth = 390;

    private static BrowserNewContextOptions Screen(int width, int height, bool mobile) =>
        new() { ViewportSize = new() { Width = width, Height = height }, DeviceScaleFactor = mobile ? 2 : 1, IsMobile = mobile, HasTouch = mobile };

    /// <summary>The app on 2026-02-20 (the daily file to January, estimates to the 19th) and a browser page on <c>screen</c>, not yet at the dashboard.</summary>
    private sealed class OpenedDashboard : IAsyncDisposable
    {
        private IPlaywright? _playwright;
        private IBrowser? _browser;

        public required EstimateScenario Scenario { get; init; }

        public IPage Page { get; private set; } = null!;

        public static async Task<OpenedDashboard> OpenAsync(ServedAppFixture app, AzuriteFixture azurite, BrowserNewContextOptions screen)
        {
            EstimateScenario scenario = await EstimateScenario.StartAsync(app, azurite, new DateOnly(2026, 2, 20), new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).Build());
            var opened = new OpenedDashboard { Scenario = scenario };
            try
            {
                await scenario.IngestEisnAsync();
                (opened._playwright, opened._browser) = await LaunchAsync();
                IBrowserContext context = await opened._browser.NewContextAsync(screen);
                opened.Page = await context.NewPageAsync();
                return opened;
            }
            catch
            {
                await opened.DisposeAsync();
                throw;
            }
        }

        public Task<IResponse?> GotoDashboardAsync() => Page.GotoAsync(new Uri(Scenario.Server.Root, "api/dashboard").ToString());

        public async ValueTask DisposeAsync()
        {
            if (_browser is not null)
            {
                await _browser.DisposeAsync();
            }

            _playwright?.Dispose();
            await Scenario.DisposeAsync();
        }
    }

    private static BrowserNewContextOptions Phone => Screen(PhoneWidth, 844, mobile: true);

    private sealed record Box(double X, double Y, double Width, double Height)
    {
        public bool Intersects(Box other) => X < other.X + other.Width && other.X < X + Width && Y < other.Y + other.Height && other.Y < Y + Height;

        public bool Contains(Box other) => other.X >= X && other.Y >= Y && other.X + other.Width <= X + Width && other.Y + other.Height <= Y + Height;

        public static Box Of(JsonElement box) => new(box.GetProperty("x").GetDouble(), box.GetProperty("y").GetDouble(), box.GetProperty("width").GetDouble(), box.GetProperty("height").GetDouble());

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"({X:0},{Y:0} {Width:0}x{Height:0})");
    }

    /// <param name="FontSize">The text's font size in CSS pixels as the picture is shown: its size in the SVG times the picture's scale.</param>
    private sealed record ChartText(string Text, double FontSize, Box Box);

    /// <summary>Where the chart the page shows lies, and draws its texts and its data (the rectangle the plotted data are clipped to), in CSS pixels of the page.</summary>
    private sealed record ChartGeometry(Box Picture, Box Data, IReadOnlyList<ChartText> Texts)
    {
        // The browser draws an <img> as one picture: a copy of the very SVG it chose (currentSrc), laid
        // exactly over the picture at its size, lets the browser measure each text where the picture shows it.
        private const string Measure = """
            img => {
                const source = img.currentSrc;
                const bytes = Uint8Array.from(atob(source.slice(source.indexOf(',') + 1)), c => c.charCodeAt(0));
                const drawn = new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'image/svg+xml').documentElement;
                const at = img.getBoundingClientRect();
                const copy = document.importNode(drawn, true);
                copy.setAttribute('viewBox', `0 0 ${drawn.getAttribute('width')} ${drawn.getAttribute('height')}`);
                copy.setAttribute('width', at.width);
                copy.setAttribute('height', at.height);
                copy.style.position = 'fixed';
                copy.style.left = `${at.left}px`;
                copy.style.top = `${at.top}px`;
                document.body.appendChild(copy);
                const m = copy.getScreenCTM();
                const clips = [...copy.querySelectorAll('clipPath rect')].map(r => ({
                    x: m.a * r.x.baseVal.value + m.e, y: m.d * r.y.baseVal.value + m.f,
                    width: m.a * r.width.baseVal.value, height: m.d * r.height.baseVal.value }));
                const data = clips.sort((p, q) => q.width * q.height - p.width * p.height)[0];
                const texts = [...copy.querySelectorAll('text')].map(t => {
                    const r = t.getBoundingClientRect();
                    const scale = Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b); // a turned text scales through b
                    return { text: t.textContent.trim(), fontSize: parseFloat(t.getAttribute('font-size')) * scale, box: { x: r.x, y: r.y, width: r.width, height: r.height } };
                });
                copy.remove();
                return { picture: { x: at.x, y: at.y, width: at.width, height: at.height }, data, texts };
            }
            """;

        public static async Task<ChartGeometry> MeasureAsync(ILocator image)
        {
            JsonElement measured = await image.EvaluateAsync<JsonElement>(Measure);
            ChartText[] texts = [.. measured.GetProperty("texts").EnumerateArray().Select(t => new ChartText(t.GetProperty("text").GetString()!, t.GetProperty("fontSize").GetDouble(), Box.Of(t.GetProperty("box"))))];
            return new ChartGeometry(Box.Of(measured.GetProperty("picture")), Box.Of(measured.GetProperty("data")), texts);
        }
    }
}
