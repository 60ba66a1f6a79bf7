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
        await using EstimateScenario scenario = await EstimateScenario.StartAsync(app, azurite, new DateOnly(2026, 2, 20), new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).Build());
        await scenario.IngestEisnAsync();
        JsonElement forecast = (await scenario.Server.Client.GetAnswerAsync("api/forecast?days=30")).Json;
        (IPlaywright playwright, IBrowser browser) = await LaunchAsync();
        using (playwright)
        await using (browser)
        {
            IPage page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
            var errors = new List<string>();
            page.Console += (_, message) => { if (message.Type is "error" or "warning") errors.Add($"console {message.Type}: {message.Text}"); };
            page.PageError += (_, error) => errors.Add($"page error: {error}");
            page.RequestFailed += (_, request) => errors.Add($"request failed: {request.Url}");

            IResponse? response = await page.GotoAsync(new Uri(scenario.Server.Root, "api/dashboard").ToString(), new() { WaitUntil = WaitUntilState.Load });

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
    }

    [SkippableFact]
    public async Task On_a_phone_the_page_fits_the_width_and_the_headline_comes_first()
    {
        await using EstimateScenario scenario = await EstimateScenario.StartAsync(app, azurite, new DateOnly(2026, 2, 20), new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).Build());
        await scenario.IngestEisnAsync();
        (IPlaywright playwright, IBrowser browser) = await LaunchAsync();
        using (playwright)
        await using (browser)
        {
            await using IBrowserContext phone = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, DeviceScaleFactor = 2, IsMobile = true, HasTouch = true });
            IPage page = await phone.NewPageAsync();

            await page.GotoAsync(new Uri(scenario.Server.Root, "api/dashboard").ToString());

            // Nothing wider than the screen: no sideways scrolling on the page itself (the table may scroll in its own box).
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"),
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
    }
}
