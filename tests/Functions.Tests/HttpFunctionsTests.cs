using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

[Collection(ServedAppCollection.Name)]
public class HttpFunctionsTests(ServedAppFixture app, AzuriteFixture azurite)
{
    private HttpClient Client => app.Server.Client;

    private static void AssertProblem(ApiAnswer answer, int status, string field, string detail)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal("application/problem+json", answer.MediaType);
        JsonElement problem = answer.Json;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString());
        if (field.Length > 0)
        {
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task Get_forecast_answers_the_contracts_shape_from_the_champion()
    {
        ApiAnswer answer = await Client.GetAnswerAsync("api/forecast?days=3");

        Assert.Equal(200, answer.Status);
        Assert.Equal("application/json", answer.MediaType);
        JsonElement json = answer.Json;
        Assert.Equal("sunspots", json.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(1, json.GetProperty("model").GetProperty("version").GetInt32());
        Assert.True(json.GetProperty("model").GetProperty("testRmse").GetDouble() > 0);
        Assert.Equal(64, json.GetProperty("model").GetProperty("dataSha256").GetString()!.Length);
        Assert.Equal("2003-12-31", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal("definitive", json.GetProperty("lastObservation").GetProperty("kind").GetString());
        Assert.Equal(0, json.GetProperty("gapDays").GetInt32());
        Assert.False(json.GetProperty("fallback").GetBoolean());
        JsonElement[] days = json.GetProperty("forecasts").EnumerateArray().ToArray();
        Assert.Equal(["2004-01-01", "2004-01-02", "2004-01-03"], days.Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([1, 2, 3], days.Select(d => d.GetProperty("lead").GetInt32()));
        Assert.All(days, d =>
        {
            double value = d.GetProperty("value").GetDouble();
            Assert.InRange(value, d.GetProperty("lower").GetDouble(), d.GetProperty("upper").GetDouble());
            Assert.InRange(value, 0, 400);
            Assert.Equal(0.9, d.GetProperty("intervalLevel").GetDouble(), 6);
            double[] quantiles = [.. d.GetProperty("quantiles").EnumerateObject().Select(q => q.Value.GetDouble())];
            Assert.Equal(7, quantiles.Length);
            Assert.Equal(quantiles.Order(), quantiles);
            Assert.Equal(d.GetProperty("lower").GetDouble(), quantiles[0], 4);
            Assert.Equal(d.GetProperty("upper").GetDouble(), quantiles[^1], 4);
        });
        Assert.Equal("Source: WDC-SILSO, Royal Observatory of Belgium, Brussels", json.GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("?days=0")]
    [InlineData("?days=31")]
    [InlineData("?days=three")]
    [InlineData("?days=1e1")]
    [InlineData("?days=%EF%BC%93")]
    public async Task Get_forecast_with_bad_days_is_a_400_naming_the_field(string query) =>
        AssertProblem(await Client.GetAnswerAsync("api/forecast" + query), 400, "days", "is not a whole number from 1 to 30");

    [Theory]
    [InlineData("api/forecast?day=7", "day", "has no parameter 'day'; it takes days")]
    [InlineData("api/forecast?days=1&days=2", "days", "give days once")]
    [InlineData("api/health?verbose=1", "verbose", "it takes none")]
    public async Task Unknown_and_repeated_query_parameters_are_named(string path, string field, string detail) =>
        AssertProblem(await Client.GetAnswerAsync(path), 400, field, detail);

    [Fact]
    public async Task The_forecast_is_cacheable_until_the_instance_next_looks_and_revalidates_by_etag()
    {
        ApiAnswer first = await Client.GetAnswerAsync("api/forecast?days=2");
        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "api/forecast?days=2");
        revalidate.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        ApiAnswer second = await ApiAnswer.ReadAsync(await Client.SendAsync(revalidate));
        ApiAnswer other = await Client.GetAnswerAsync("api/forecast?days=3");

        // The refresh interval of these tests is one second.
        Assert.True(first.Headers.CacheControl!.Public);
        Assert.InRange(first.Headers.CacheControl.MaxAge!.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.Equal(304, second.Status);
        Assert.NotEqual(first.Headers.ETag, other.Headers.ETag);
        Assert.Equal(first.Json.GetProperty("issuedAt").GetString(), (await Client.GetAnswerAsync("api/forecast?days=2")).Json.GetProperty("issuedAt").GetString());
    }

    [Fact]
    public async Task Post_forecast_answers_from_the_callers_history()
    {
        // Enough days for the network's window and for a lead served by the linear model (up to 180 days).
        float[] history = Enumerable.Range(0, 200).Select(i => 100f + i % 7).ToArray();

        ApiAnswer answer = await Client.PostAnswerAsync("api/forecast", JsonSerializer.Serialize(new { history, days = 2, lastDate = "2003-12-29" }));

        // Issued on 2003-12-31: the days from tomorrow, three and four days after the caller's last value.
        Assert.Equal(200, answer.Status);
        JsonElement json = answer.Json;
        Assert.Equal("2003-12-29", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("lastObservation").GetProperty("kind").ValueKind);
        Assert.Equal(["2004-01-01", "2004-01-02"], json.GetProperty("forecasts").EnumerateArray().Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([3, 4], json.GetProperty("forecasts").EnumerateArray().Select(d => d.GetProperty("lead").GetInt32()));
    }

    [Theory]
    [InlineData("""{"history":[1,2,3],"days":1}""", "application/json", 400, "history", "daily values; 3 were given")]
    [InlineData("""{"history":[1,2,3],"days":1}""", "text/plain", 415, "Content-Type", "application/json")]
    [InlineData("""{"history":[1,2,3],"days":40}""", "application/json", 400, "days", "40 is not from 1 to 30")]
    [InlineData("""{"history":"many","days":1}""", "application/json", 400, "history", "expected a list of numbers")]
    [InlineData("""{"days":1}""", "application/json", 400, "history", "oldest first")]
    [InlineData("not json", "application/json", 400, "body", "not valid JSON")]
    [InlineData("", "application/json", 400, "body", "empty")]
    [InlineData("""{"history":[1],"days":1,"lastDate":"March"}""", "application/json", 400, "lastDate", "YYYY-MM-DD")]
    [InlineData("""{"history":[5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5],"days":1,"lastDate":"9999-12-31"}""", "application/json", 400, "lastDate", "9999-12-31 lies after today")]
    public async Task Post_forecast_refuses_bad_input_with_problem_details(string body, string contentType, int status, string field, string detail) =>
        AssertProblem(await Client.PostAnswerAsync("api/forecast", body, contentType), status, field, detail);

    [Fact]
    public async Task Post_forecast_refuses_a_negative_value_among_the_days_the_model_reads() =>
        AssertProblem(await Client.PostAnswerAsync("api/forecast", JsonSerializer.Serialize(new { history = Enumerable.Repeat(5f, 199).Append(-3f).ToArray(), days = 1 })), 400, "history", "not negative");

    [Fact]
    public async Task Post_forecast_refuses_a_value_no_day_comes_near() =>
        AssertProblem(await Client.PostAnswerAsync("api/forecast", JsonSerializer.Serialize(new { history = Enumerable.Repeat(5f, 199).Append(99_999_999f).ToArray(), days = 1 })), 400, "history", "at most 1000");

    [Fact]
    public async Task Bodies_and_histories_over_the_limits_are_413()
    {
        string longHistory = JsonSerializer.Serialize(new { history = Enumerable.Repeat(50f, 201).ToArray() });
        string hugeBody = JsonSerializer.Serialize(new { history = Enumerable.Repeat(123.456f, 2000).ToArray() });

        AssertProblem(await Client.PostAnswerAsync("api/forecast", longHistory), 413, "history", "at most 200");
        AssertProblem(await Client.PostAnswerAsync("api/forecast", hugeBody), 413, "body", "at most 4096");
    }

    [Theory]
    [InlineData("api/forecast")]
    [InlineData("api/classify")]
    [InlineData("api/retrain")]
    public async Task A_body_that_stops_arriving_is_408_naming_the_body(string route)
    {
        await using FunctionsServer server = await ServedAppFixture.StartAsync(azurite, extra: ("Serving:BodyReadSeconds", 1));
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(server.Root.Host, server.Root.Port);
        await using System.Net.Sockets.NetworkStream stream = client.GetStream();

        // Headers promise 200 bytes; 10 come, then nothing (the connection stays open).
        string head = $"POST /{route} HTTP/1.1\r\nHost: {server.Root.Authority}\r\nContent-Type: application/json\r\nContent-Length: 200\r\nx-functions-key: {FunctionsServer.FunctionKey}\r\n\r\n{{\"history\"";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string? status = await reader.ReadLineAsync(patience.Token);
        string rest = await reader.ReadToEndAsync(patience.Token);

        Assert.Equal("HTTP/1.1 408 Request Timeout", status);
        Assert.Contains("application/problem+json", rest, StringComparison.Ordinal);
        Assert.Contains("\"field\":\"body\"", rest, StringComparison.Ordinal);
        Assert.Contains("did not arrive within 1 s (10 bytes came)", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_answers_the_class_four_probabilities_and_the_version()
    {
        ApiAnswer answer = await Client.PostAnswerAsync("api/classify", """{"sequence":[0,0,2,2,0,0]}""");

        Assert.Equal(200, answer.Status);
        JsonElement json = answer.Json;
        Assert.Equal(2, json.GetProperty("class").GetInt32());
        Assert.Equal(4, json.GetProperty("probabilities").GetArrayLength());
        Assert.Equal(1, json.GetProperty("model").GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("""{"sequence":[0,4,1]}""", "sequence", "Step 2 of the sequence is 4")]
    [InlineData("""{"sequence":[]}""", "sequence", "1 to 256 steps")]
    [InlineData("""{"steps":[1]}""", "sequence", "give the steps")]
    [InlineData("""{"sequence":[0,1.5]}""", "sequence[1]", "expected a whole number")]
    public async Task Classify_refuses_bad_sequences(string body, string field, string detail) =>
        AssertProblem(await Client.PostAnswerAsync("api/classify", body), 400, field, detail);

    [Fact]
    public async Task A_new_champion_is_served_within_the_refresh_interval_and_every_answer_names_its_version()
    {
        var registry = app.Services.GetRequiredService<ModelRegistry>();
        (ModelVersion _, PackageFiles first) = await registry.DownloadAsync("sunspots", 1, CancellationToken.None);
        ModelVersion second = await registry.RegisterAsync("sunspots", first, "copy", CancellationToken.None);
        int before = (await Client.GetAnswerAsync("api/forecast")).Json.GetProperty("model").GetProperty("version").GetInt32();

        ApiAnswer promoted = await app.Server.KeyedClient.PostAnswerAsync($"api/models/sunspots/{second.Version}/promote", "");
        await Task.Delay(1100);
        int after = (await Client.GetAnswerAsync("api/forecast")).Json.GetProperty("model").GetProperty("version").GetInt32();
        await app.Server.KeyedClient.PostAnswerAsync("api/models/sunspots/1/promote", "");
        await Task.Delay(1100);

        Assert.Equal(200, promoted.Status);
        Assert.Equal(1, before);
        Assert.Equal(second.Version, after);
    }

    [Fact]
    public async Task Models_lists_versions_and_the_champion_and_404s_an_unknown_model()
    {
        JsonElement json = (await Client.GetAnswerAsync("api/models?model=cars")).Json;

        Assert.Equal(1, json.GetProperty("champion").GetInt32());
        Assert.Equal(1, json.GetProperty("versions")[0].GetProperty("version").GetInt32());
        AssertProblem(await Client.GetAnswerAsync("api/models?model=unicorns"), 404, "model", "no model 'unicorns'");
        AssertProblem(await Client.GetAnswerAsync("api/models?name=cars"), 400, "name", "'model'");
    }

    [Fact]
    public async Task Promote_404s_an_unknown_version_and_retrain_queues_the_contracts_message()
    {
        AssertProblem(await app.Server.KeyedClient.PostAnswerAsync("api/models/sunspots/42/promote", ""), 404, "version", "has no version 42");
        AssertProblem(await app.Server.KeyedClient.PostAnswerAsync("api/models/unicorns/1/promote", ""), 404, "name", "unicorns");

        ApiAnswer queued = await app.Server.KeyedClient.PostAnswerAsync("api/retrain", """{"model":"sunspots"}""");

        Assert.Equal(202, queued.Status);
        JsonElement message = queued.Json;
        Assert.Equal("sunspots", message.GetProperty("model").GetString());
        Assert.Equal("manual", message.GetProperty("reason").GetString());
        AssertProblem(await app.Server.KeyedClient.PostAnswerAsync("api/retrain", """{"model":"unicorns"}"""), 400, "model", "not one of sunspots, cars");
    }

    [Theory]
    [InlineData("api/retrain", """{"model":"sunspots"}""")]
    [InlineData("api/models/sunspots/1/promote", "")]
    public async Task Admin_routes_answer_401_without_the_function_key(string path, string body)
    {
        Assert.Equal(401, (await Client.PostAnswerAsync(path, body)).Status);
        Assert.Equal(401, (await Client.PostAnswerAsync(path + "?code=wrong", body)).Status);
    }

    [Fact]
    public async Task Health_reports_data_age_last_ingest_and_champions()
    {
        JsonElement json = (await Client.GetAnswerAsync("api/health")).Json;

        Assert.Equal("2003-12-31", json.GetProperty("data").GetProperty("fileLastDate").GetString());
        Assert.Equal("2003-12-31", json.GetProperty("data").GetProperty("lastObservation").GetString());
        Assert.Equal(0, json.GetProperty("data").GetProperty("ageDays").GetInt32());
        Assert.False(json.GetProperty("data").GetProperty("stale").GetBoolean());
        Assert.Equal("no EISN copy has been stored", json.GetProperty("eisn").GetProperty("note").GetString());
        Assert.Equal("Stored", json.GetProperty("lastIngest").GetProperty("outcome").GetString());
        foreach (string model in new[] { "sunspots", "cars" })
        {
            JsonElement state = json.GetProperty("models").GetProperty(model);
            Assert.Equal(1, state.GetProperty("champion").GetInt32());
            Assert.Equal(1, state.GetProperty("served").GetInt32());
            Assert.Equal(JsonValueKind.Null, state.GetProperty("problem").ValueKind);
        }
    }

    [Theory]
    [InlineData(3)] // a day inside the last window has no observation: the model forecasts through it
    [InlineData(0)] // the last day has none: the forecast starts from the day before
    public async Task Days_without_observations_at_the_end_of_the_data_never_make_a_500(int missingDaysBeforeTheEnd)
    {
        await using FunctionsServer server = await ServedAppFixture.StartAsync(azurite);
        DateOnly last = new DateOnly(1975, 1, 1).AddDays(10_591);
        DateOnly missing = last.AddDays(-missingDaysBeforeTheEnd);
        await IngestAndServeAsync(server.Services, new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(10_592).WithMissing(missing).Build());

        ApiAnswer answer = await server.Client.GetAnswerAsync("api/forecast?days=3");

        Assert.Equal(200, answer.Status);
        JsonElement json = answer.Json;
        Assert.False(json.GetProperty("fallback").GetBoolean());
        DateOnly lastObserved = missingDaysBeforeTheEnd == 0 ? last.AddDays(-1) : last;
        Assert.Equal($"{lastObserved:yyyy-MM-dd}", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.All(json.GetProperty("forecasts").EnumerateArray(), d => Assert.True(double.IsFinite(d.GetProperty("value").GetDouble())));
    }

    [Fact]
    public async Task A_persistence_fallback_starts_from_the_last_observed_value_never_a_missing_one()
    {
        await using FunctionsServer server = await ServedAppFixture.StartAsync(azurite);
        DateOnly last = new DateOnly(1975, 1, 1).AddDays(10_591);
        await IngestAndServeAsync(server.Services, new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(10_592).WithMissing(last).Build());
        var options = server.Get<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        await azurite.BlobServiceClient.GetBlobContainerClient(options.ModelsContainer).DeleteBlobAsync("sunspots/000001/weights.bin");

        ApiAnswer answer = await server.Client.GetAnswerAsync("api/forecast?days=2");

        Assert.Equal(200, answer.Status);
        JsonElement json = answer.Json;
        Assert.True(json.GetProperty("fallback").GetBoolean());
        double lastValue = json.GetProperty("lastObservation").GetProperty("value").GetDouble();
        Assert.True(double.IsFinite(lastValue));
        Assert.Equal($"{last.AddDays(-1):yyyy-MM-dd}", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.All(json.GetProperty("forecasts").EnumerateArray(), d => Assert.Equal(lastValue, d.GetProperty("value").GetDouble()));
    }

    /// <summary>Ingests <paramref name="data"/> into <paramref name="services"/>' storage and makes version 1 of the shared app's forecaster champion there.</summary>
    private async Task IngestAndServeAsync(IServiceProvider services, string data)
    {
        await ServedAppFixture.IngestAsync(services, data);
        await app.ServeTheForecasterAsync(services);
    }

    [Fact]
    public async Task Before_any_model_exists_forecast_and_classify_answer_503_with_retry_after()
    {
        await using FunctionsServer empty = await ServedAppFixture.StartAsync(azurite);
        await ServedAppFixture.IngestAsync(empty.Services, app.DataFile);

        ApiAnswer forecast = await empty.Client.GetAnswerAsync("api/forecast");
        ApiAnswer classify = await empty.Client.PostAnswerAsync("api/classify", """{"sequence":[1]}""");
        ApiAnswer chart = await empty.Client.GetAnswerAsync("api/forecast/chart");

        AssertProblem(forecast, 503, "", "No sunspot model has been trained yet");
        AssertProblem(classify, 503, "", "No car-colour model has been trained yet");
        AssertProblem(chart, 503, "", "No sunspot model has been trained yet");
        Assert.All(new[] { forecast, classify, chart }, a => Assert.Equal(TimeSpan.FromSeconds(300), a.Headers.RetryAfter!.Delta));
    }

    [Fact]
    public async Task A_champion_that_cannot_be_loaded_gives_a_persistence_forecast_flagged_as_fallback()
    {
        await using FunctionsServer server = await ServedAppFixture.StartAsync(azurite);
        IServiceProvider services = server.Services;
        await ServedAppFixture.IngestAsync(services, app.DataFile);
        var registry = services.GetRequiredService<ModelRegistry>();
        (ModelVersion _, PackageFiles files) = await app.Services.GetRequiredService<ModelRegistry>().DownloadAsync("sunspots", 1, CancellationToken.None);
        await registry.EnsureCreatedAsync(CancellationToken.None);
        ModelVersion broken = await registry.RegisterAsync("sunspots", files, null, CancellationToken.None);
        var aliases = services.GetRequiredService<ModelAliases>();
        await aliases.EnsureCreatedAsync(CancellationToken.None);
        await aliases.TrySetChampionAsync("sunspots", broken.Version, "test", null, CancellationToken.None);
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        await azurite.BlobServiceClient.GetBlobContainerClient(options.ModelsContainer).DeleteBlobAsync($"sunspots/{broken.Version:000000}/weights.bin");

        ApiAnswer answer = await server.Client.GetAnswerAsync("api/forecast?days=2");

        Assert.Equal(200, answer.Status);
        JsonElement json = answer.Json;
        Assert.True(json.GetProperty("fallback").GetBoolean());
        Assert.Contains("cannot be loaded", json.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("model").ValueKind);
        double last = json.GetProperty("lastObservation").GetProperty("value").GetDouble();
        Assert.All(json.GetProperty("forecasts").EnumerateArray(), d => Assert.Equal(last, d.GetProperty("value").GetDouble()));
    }
}
