using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// "A next-day forecast, kept fresh": the daily file (ending 2026-01-31, January provisional) and
/// SILSO's daily estimate served from stand-ins on 127.0.0.1, a clock that says which day it is,
/// and the app's answers for the days from tomorrow.
/// </summary>
[Collection(ServedAppCollection.Name)]
public sealed class TomorrowTests(ServedAppFixture app, AzuriteFixture azurite)
{
    private Task<EstimateScenario> AppOnAsync(DateOnly today, string? eisn) => EstimateScenario.StartAsync(app, azurite, today, eisn);

    private static Task IngestEisn(EstimateScenario scenario) => scenario.IngestEisnAsync();

    private static async Task<(int Status, JsonElement Json)> Forecast(EstimateScenario scenario, int days)
    {
        ApiAnswer answer = await scenario.Server.Client.GetAnswerAsync($"api/forecast?days={days}");
        return (answer.Status, answer.Json);
    }

    private static async Task<JsonElement> Health(EstimateScenario scenario) => (await scenario.Server.Client.GetAnswerAsync("api/health")).Json;

    private static string[] Dates(JsonElement forecast) => forecast.GetProperty("forecasts").EnumerateArray().Select(d => d.GetProperty("date").GetString()!).ToArray();

    private static int[] Leads(JsonElement forecast) => forecast.GetProperty("forecasts").EnumerateArray().Select(d => d.GetProperty("lead").GetInt32()).ToArray();

    private static (string Date, string Kind) Last(JsonElement forecast) =>
        (forecast.GetProperty("lastObservation").GetProperty("date").GetString()!, forecast.GetProperty("lastObservation").GetProperty("kind").GetString()!);

    [Fact]
    public async Task Mid_month_the_forecast_starts_tomorrow_from_yesterdays_estimate_and_todays_partial_row_is_left_out()
    {
        await using EstimateScenario services = await AppOnAsync(new DateOnly(2026, 2, 20), new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).Build());
        await IngestEisn(services);

        (int status, JsonElement forecast) = await Forecast(services, 7);

        Assert.Equal(200, status);
        Assert.Equal(Enumerable.Range(21, 7).Select(d => $"2026-02-{d}").ToArray(), Dates(forecast));
        Assert.Equal(("2026-02-19", "estimate"), Last(forecast));
        Assert.Equal(Enumerable.Range(2, 7).ToArray(), Leads(forecast));
        Assert.Equal(1, forecast.GetProperty("gapDays").GetInt32());
        Assert.StartsWith("2026-02-20T", forecast.GetProperty("issuedAt").GetString());
        JsonElement eisn = (await Health(services)).GetProperty("eisn");
        Assert.Equal("2026-02-20", eisn.GetProperty("lastDate").GetString());
        Assert.Equal(19, eisn.GetProperty("daysUsed").GetInt32());
    }

    [Fact]
    public async Task In_the_first_days_of_a_month_the_new_months_estimate_follows_a_month_the_model_forecasts_through()
    {
        await using EstimateScenario services = await AppOnAsync(new DateOnly(2026, 3, 2), new EisnCsvBuilder().From(new DateOnly(2026, 3, 1), 2).Build());
        await IngestEisn(services);

        (int status, JsonElement forecast) = await Forecast(services, 3);

        Assert.Equal(200, status);
        Assert.Equal(("2026-03-01", "estimate"), Last(forecast));
        Assert.Equal(["2026-03-03", "2026-03-04", "2026-03-05"], Dates(forecast));
        Assert.Equal([2, 3, 4], Leads(forecast));
    }

    [Fact]
    public async Task Without_an_estimate_the_daily_file_alone_is_used_the_model_rolls_through_the_gap_and_health_says_why()
    {
        await using EstimateScenario services = await AppOnAsync(new DateOnly(2026, 2, 20), eisn: null);
        services.Eisn.Script.Enqueue("404");
        await Assert.ThrowsAsync<HttpRequestException>(() => IngestEisn(services));

        (int status, JsonElement forecast) = await Forecast(services, 7);

        Assert.Equal(200, status);
        Assert.Equal(("2026-01-31", "provisional"), Last(forecast));
        Assert.Equal("2026-02-21", Dates(forecast)[0]);
        Assert.Equal(Enumerable.Range(21, 7).ToArray(), Leads(forecast));
        JsonElement health = await Health(services);
        Assert.Equal("no EISN copy has been stored", health.GetProperty("eisn").GetProperty("note").GetString());
        Assert.Equal("Failed", health.GetProperty("lastEisnIngest").GetProperty("outcome").GetString());
    }

    [Theory]
    [InlineData("<!DOCTYPE html><html><body>Service unavailable</body></html>", "HTML")]
    [InlineData("", "empty")]
    [InlineData("2026,02,01,2026.086,  100, 12.5, 30, 35,\n2026,02,02,2026.089,  lots, 12.5, 30, 35,\n", "line 2")]
    public async Task A_malformed_estimate_is_refused_and_recorded_and_serving_goes_on_from_what_it_had(string body, string reason)
    {
        await using EstimateScenario services = await AppOnAsync(new DateOnly(2026, 2, 20), new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).Build());
        await IngestEisn(services);
        services.Eisn.Body = body;
        services.Eisn.ETag = "\"eisn-2\"";

        await IngestEisn(services);

        IngestRun run = (await services.Server.Get<IngestHistory>().RecentAsync(IngestHistory.Eisn, 1, CancellationToken.None))[0];
        Assert.Equal("Invalid", run.Outcome);
        Assert.Contains(reason, run.Error);
        (int status, JsonElement forecast) = await Forecast(services, 1);
        Assert.Equal(200, status);
        Assert.Equal(("2026-02-19", "estimate"), Last(forecast));
    }

    [Fact]
    public async Task A_malformed_estimate_on_a_first_run_leaves_the_file_alone()
    {
        await using EstimateScenario services = await AppOnAsync(new DateOnly(2026, 2, 20), "<html>oops</html>");
        await IngestEisn(services);

        (int status, JsonElement forecast) = await Forecast(services, 1);

        Assert.Equal(200, status);
        Assert.Equal(("2026-01-31", "provisional"), Last(forecast));
        Assert.Equal("Invalid", (await Health(services)).GetProperty("lastEisnIngest").GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Where_the_estimate_overlaps_the_file_the_file_wins()
    {
        await using EstimateScenario services = await AppOnAsync(new DateOnly(2026, 2, 1), new EisnCsvBuilder().From(new DateOnly(2026, 1, 1), 31).WithValues(_ => 999).Build());
        await IngestEisn(services);

        (int status, JsonElement forecast) = await Forecast(services, 1);

        Assert.Equal(200, status);
        Assert.Equal(("2026-01-31", "provisional"), Last(forecast));
        Assert.NotEqual(999, forecast.GetProperty("lastObservation").GetProperty("value").GetDouble());
        Assert.Contains("not after the daily file's last day", (await Health(services)).GetProperty("eisn").GetProperty("note").GetString());
    }

    [Fact]
    public async Task Days_reported_by_too_few_stations_are_skipped_and_forecast_through()
    {
        string eisn = new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 19).WithFewStations(new DateOnly(2026, 2, 10), 3).WithFewStations(new DateOnly(2026, 2, 19), 2).Build();
        await using EstimateScenario services = await AppOnAsync(new DateOnly(2026, 2, 20), eisn);
        await IngestEisn(services);

        (int status, JsonElement forecast) = await Forecast(services, 2);

        Assert.Equal(200, status);
        Assert.Equal(("2026-02-18", "estimate"), Last(forecast));
        Assert.Equal([3, 4], Leads(forecast));
        Assert.Contains("2 EISN day(s) without a value from at least 10 stations were skipped", (await Health(services)).GetProperty("eisn").GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_forecast_that_would_need_a_lead_above_sixty_is_a_503_naming_the_age_and_health_says_stale()
    {
        await using EstimateScenario services = await AppOnAsync(new DateOnly(2026, 4, 15), eisn: null);

        (int status, JsonElement problem) = await Forecast(services, 1);

        Assert.Equal(503, status);
        Assert.Contains("2026-01-31, 74 days before today (2026-04-15, UTC)", problem.GetProperty("detail").GetString());
        JsonElement data = (await Health(services)).GetProperty("data");
        Assert.True(data.GetProperty("stale").GetBoolean());
        Assert.Equal(74, data.GetProperty("ageDays").GetInt32());
    }

    [Fact]
    public async Task The_estimate_is_fetched_with_a_conditional_get_kept_as_one_copy_and_never_queues_a_retrain()
    {
        await using EstimateScenario services = await AppOnAsync(new DateOnly(2026, 2, 20), new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).Build());
        await IngestEisn(services);
        await IngestEisn(services);
        services.Eisn.Body = new EisnCsvBuilder().From(new DateOnly(2026, 2, 1), 20).WithValues(i => 50 + i).Build();
        services.Eisn.ETag = "\"eisn-2\"";
        await IngestEisn(services);

        Assert.Equal(1, services.Eisn.NotModifiedAnswers);
        IReadOnlyList<IngestRun> runs = await services.Server.Get<IngestHistory>().RecentAsync(IngestHistory.Eisn, 10, CancellationToken.None);
        Assert.Equal(["Stored", "Unchanged", "Stored"], runs.Select(r => r.Outcome));
        StorageOptions names = services.Server.Get<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        var blobs = new List<string>();
        await foreach (Azure.Storage.Blobs.Models.BlobItem blob in azurite.BlobServiceClient.GetBlobContainerClient(names.RawContainer).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "eisn/", CancellationToken.None))
        {
            blobs.Add(blob.Name);
        }

        Assert.Equal([EisnStore.BlobName], blobs);
        Assert.False(await azurite.QueueServiceClient.GetQueueClient(names.RetrainQueue).ExistsAsync());
        Assert.Equal(2, (await Forecast(services, 1)).Json.GetProperty("forecasts")[0].GetProperty("lead").GetInt32());
    }
}
