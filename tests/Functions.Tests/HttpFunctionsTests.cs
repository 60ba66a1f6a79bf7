using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Functions.Http;
using SunspotForecaster.Tests;
using SunspotForecaster.Tests.Azurite;

namespace SunspotForecaster.Functions.Tests;

/// <summary>Storage with ingested data and trained champions (sunspots and cars), shared by the HTTP tests.</summary>
public sealed class ServedAppFixture : IAsyncLifetime
{
    private AzuriteFixture? _azurite;

    public ServiceProvider Services { get; private set; } = null!;

    public string DataFile { get; } = new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(10_592).Build();

    /// <summary>The data's last day: "today" for the tests of this class, so that tomorrow is lead 1.</summary>
    public static readonly DateOnly LastDay = new DateOnly(1975, 1, 1).AddDays(10_591);

    /// <summary>The app as the host composes it, with this Azurite and a clock that says <paramref name="clock"/>'s day (by default the data's last day).</summary>
    public static ServiceProvider Compose(AzuriteFixture azurite, int refreshSeconds = 1, TimeProvider? clock = null, params (string Key, object Value)[] extra)
    {
        IConfiguration configuration = TestSettings.For(azurite,
            [("Serving:ChampionRefreshSeconds", refreshSeconds), ("Serving:MaxBodyBytes", 4096), ("Serving:MaxHistory", 200), .. extra]);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(clock ?? ShiftedClock.At(LastDay));
        services.AddSunspotCore(configuration);
        foreach (Type function in typeof(GetForecast).Assembly.GetTypes().Where(t => t.GetMethods().Any(m => m.IsDefined(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false))))
        {
            services.AddTransient(function);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public async Task InitializeAsync()
    {
        _azurite = new AzuriteFixture();
        await _azurite.InitializeAsync();
        Services = Compose(_azurite);
        string file = Path.Combine(Path.GetTempPath(), $"sidc-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, DataFile);
        IngestResult ingest = await Services.GetRequiredService<IngestService>().IngestAsync(file, CancellationToken.None);
        File.Delete(file);
        var retrain = Services.GetRequiredService<RetrainService>();
        await retrain.RetrainAsync(new RetrainRequest("sunspots", ingest.BlobName, ingest.Sha256, "manual", DateTimeOffset.UtcNow), null, CancellationToken.None);
        await retrain.RetrainAsync(new RetrainRequest("cars", null, null, "manual", DateTimeOffset.UtcNow), null, CancellationToken.None);
    }

    /// <summary>Registers this fixture's trained forecaster in <paramref name="services"/>' storage and makes it champion there.</summary>
    public async Task ServeTheForecasterAsync(ServiceProvider services)
    {
        (ModelVersion _, PackageFiles package) = await Services.GetRequiredService<ModelRegistry>().DownloadAsync("sunspots", 1, CancellationToken.None);
        var registry = services.GetRequiredService<ModelRegistry>();
        await registry.EnsureCreatedAsync(CancellationToken.None);
        ModelVersion version = await registry.RegisterAsync("sunspots", package, null, CancellationToken.None);
        await services.GetRequiredService<PromotionService>().PromoteAsync("sunspots", version.Version, "test", CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await _azurite!.DisposeAsync();
    }
}

[Collection(AzuriteCollection.Name)]
public class HttpFunctionsTests(ServedAppFixture app, AzuriteFixture azurite) : IClassFixture<ServedAppFixture>
{
    private T Function<T>() where T : notnull => app.Services.GetRequiredService<T>();

    private static HttpRequest Get(string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    private static HttpRequest Post(string body, string contentType = "application/json")
    {
        var context = new DefaultHttpContext();
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Method = "POST";
        context.Request.ContentType = contentType;
        context.Request.ContentLength = bytes.Length;
        context.Request.Body = new MemoryStream(bytes);
        return context.Request;
    }

    private static JsonElement Json(IActionResult result) =>
        JsonSerializer.SerializeToElement(((ObjectResult)result).Value, JsonBody.Options);

    private static int Status(IActionResult result) => ((ObjectResult)result).StatusCode ?? 200;

    private static void AssertProblem(IActionResult result, int status, string field, string detail)
    {
        var objectResult = Assert.IsType<ObjectResult>(result);
        Assert.Equal(status, objectResult.StatusCode);
        Assert.Contains(Problems.ContentType, objectResult.ContentTypes);
        JsonElement problem = Json(result);
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
        IActionResult result = await Function<GetForecast>().Run(Get("?days=3"), CancellationToken.None);

        Assert.Equal(200, Status(result));
        JsonElement json = Json(result);
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
        });
        Assert.Equal("Source: WDC-SILSO, Royal Observatory of Belgium, Brussels", json.GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("?days=0")]
    [InlineData("?days=31")]
    [InlineData("?days=three")]
    public async Task Get_forecast_with_bad_days_is_a_400_naming_the_field(string query) =>
        AssertProblem(await Function<GetForecast>().Run(Get(query), CancellationToken.None), 400, "days", "is not a whole number from 1 to 30");

    [Fact]
    public async Task Post_forecast_answers_from_the_callers_history()
    {
        float[] history = Enumerable.Range(0, 40).Select(i => 100f + i % 7).ToArray();

        IActionResult result = await Function<PostForecast>().Run(Post(JsonSerializer.Serialize(new { history, days = 2, lastDate = "2003-12-29" })), CancellationToken.None);

        // Issued on 2003-12-31: the days from tomorrow, three and four days after the caller's last value.
        Assert.Equal(200, Status(result));
        JsonElement json = Json(result);
        Assert.Equal("2003-12-29", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("lastObservation").GetProperty("kind").ValueKind);
        Assert.Equal(["2004-01-01", "2004-01-02"], json.GetProperty("forecasts").EnumerateArray().Select(d => d.GetProperty("date").GetString()));
        Assert.Equal([3, 4], json.GetProperty("forecasts").EnumerateArray().Select(d => d.GetProperty("lead").GetInt32()));
    }

    [Theory]
    [InlineData("""{"history":[1,2,3],"days":1}""", "application/json", 400, "history", "needs the last 30")]
    [InlineData("""{"history":[1,2,3],"days":1}""", "text/plain", 415, "", "application/json")]
    [InlineData("""{"history":[1,2,3],"days":40}""", "application/json", 400, "days", "40 is not from 1 to 30")]
    [InlineData("""{"history":"many","days":1}""", "application/json", 400, "history", "not valid JSON")]
    [InlineData("""{"days":1}""", "application/json", 400, "history", "oldest first")]
    [InlineData("not json", "application/json", 400, "body", "not valid JSON")]
    [InlineData("", "application/json", 400, "body", "empty")]
    [InlineData("""{"history":[5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,-3],"days":1}""", "application/json", 400, "history", "not negative")]
    [InlineData("""{"history":[1],"days":1,"lastDate":"March"}""", "application/json", 400, "lastDate", "YYYY-MM-DD")]
    [InlineData("""{"history":[5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5,5],"days":1,"lastDate":"9999-12-31"}""", "application/json", 400, "lastDate", "9999-12-31 lies after today")]
    public async Task Post_forecast_refuses_bad_input_with_problem_details(string body, string contentType, int status, string field, string detail) =>
        AssertProblem(await Function<PostForecast>().Run(Post(body, contentType), CancellationToken.None), status, field, detail);

    [Fact]
    public async Task Bodies_and_histories_over_the_limits_are_413()
    {
        string longHistory = JsonSerializer.Serialize(new { history = Enumerable.Repeat(50f, 201).ToArray() });
        string hugeBody = JsonSerializer.Serialize(new { history = Enumerable.Repeat(123.456f, 2000).ToArray() });

        AssertProblem(await Function<PostForecast>().Run(Post(longHistory), CancellationToken.None), 413, "", "at most 200");
        AssertProblem(await Function<PostForecast>().Run(Post(hugeBody), CancellationToken.None), 413, "", "at most 4096");
    }

    [Fact]
    public async Task Classify_answers_the_class_four_probabilities_and_the_version()
    {
        IActionResult result = await Function<Classify>().Run(Post("""{"sequence":[0,0,2,2,0,0]}"""), CancellationToken.None);

        Assert.Equal(200, Status(result));
        JsonElement json = Json(result);
        Assert.Equal(2, json.GetProperty("class").GetInt32());
        Assert.Equal(4, json.GetProperty("probabilities").GetArrayLength());
        Assert.Equal(1, json.GetProperty("model").GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData("""{"sequence":[0,4,1]}""", "sequence", "Step 2 of the sequence is 4")]
    [InlineData("""{"sequence":[]}""", "sequence", "1 to 256 steps")]
    [InlineData("""{"steps":[1]}""", "sequence", "give the steps")]
    [InlineData("""{"sequence":[0,1.5]}""", "sequence[1]", "not valid JSON")]
    public async Task Classify_refuses_bad_sequences(string body, string field, string detail) =>
        AssertProblem(await Function<Classify>().Run(Post(body), CancellationToken.None), 400, field, detail);

    [Fact]
    public async Task A_new_champion_is_served_within_the_refresh_interval_and_every_answer_names_its_version()
    {
        var registry = app.Services.GetRequiredService<ModelRegistry>();
        (ModelVersion _, PackageFiles first) = await registry.DownloadAsync("sunspots", 1, CancellationToken.None);
        ModelVersion second = await registry.RegisterAsync("sunspots", first, "copy", CancellationToken.None);
        int before = Json(await Function<GetForecast>().Run(Get(), CancellationToken.None)).GetProperty("model").GetProperty("version").GetInt32();

        await Function<PromoteModel>().Run(Post(""), "sunspots", second.Version, CancellationToken.None);
        await Task.Delay(1100);
        int after = Json(await Function<GetForecast>().Run(Get(), CancellationToken.None)).GetProperty("model").GetProperty("version").GetInt32();
        await Function<PromoteModel>().Run(Post(""), "sunspots", 1, CancellationToken.None);
        await Task.Delay(1100);

        Assert.Equal(1, before);
        Assert.Equal(second.Version, after);
    }

    [Fact]
    public async Task Models_lists_versions_and_the_champion_and_404s_an_unknown_model()
    {
        JsonElement json = Json(await Function<ListModels>().Run(Get("?name=cars"), CancellationToken.None));

        Assert.Equal(1, json.GetProperty("champion").GetInt32());
        Assert.Equal(1, json.GetProperty("versions")[0].GetProperty("version").GetInt32());
        AssertProblem(await Function<ListModels>().Run(Get("?name=unicorns"), CancellationToken.None), 404, "", "no model 'unicorns'");
    }

    [Fact]
    public async Task Promote_404s_an_unknown_version_and_retrain_queues_the_contracts_message()
    {
        AssertProblem(await Function<PromoteModel>().Run(Post(""), "sunspots", 42, CancellationToken.None), 404, "", "has no version 42");

        IActionResult queued = await Function<RequestRetrain>().Run(Post("""{"model":"sunspots"}"""), CancellationToken.None);

        Assert.Equal(202, Status(queued));
        JsonElement message = Json(queued);
        Assert.Equal("sunspots", message.GetProperty("model").GetString());
        Assert.Equal("manual", message.GetProperty("reason").GetString());
        AssertProblem(await Function<RequestRetrain>().Run(Post("""{"model":"unicorns"}"""), CancellationToken.None), 400, "model", "not one of sunspots, cars");
    }

    [Fact]
    public async Task Health_reports_data_age_last_ingest_and_champions()
    {
        JsonElement json = Json(await Function<Health>().Run(Get(), CancellationToken.None));

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
        await using ServiceProvider services = ServedAppFixture.Compose(azurite);
        DateOnly last = new DateOnly(1975, 1, 1).AddDays(10_591);
        DateOnly missing = last.AddDays(-missingDaysBeforeTheEnd);
        await IngestAndServeAsync(services, new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(10_592).WithMissing(missing).Build());

        IActionResult result = await services.GetRequiredService<GetForecast>().Run(Get("?days=3"), CancellationToken.None);

        Assert.Equal(200, Status(result));
        JsonElement json = Json(result);
        Assert.False(json.GetProperty("fallback").GetBoolean());
        DateOnly lastObserved = missingDaysBeforeTheEnd == 0 ? last.AddDays(-1) : last;
        Assert.Equal($"{lastObserved:yyyy-MM-dd}", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.All(json.GetProperty("forecasts").EnumerateArray(), d => Assert.True(double.IsFinite(d.GetProperty("value").GetDouble())));
    }

    [Fact]
    public async Task A_persistence_fallback_starts_from_the_last_observed_value_never_a_missing_one()
    {
        await using ServiceProvider services = ServedAppFixture.Compose(azurite);
        DateOnly last = new DateOnly(1975, 1, 1).AddDays(10_591);
        await IngestAndServeAsync(services, new SidcCsvBuilder().StartingOn(new DateOnly(1975, 1, 1)).WithDays(10_592).WithMissing(last).Build());
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        await azurite.BlobServiceClient.GetBlobContainerClient(options.ModelsContainer).DeleteBlobAsync("sunspots/000001/weights.bin");

        IActionResult result = await services.GetRequiredService<GetForecast>().Run(Get("?days=2"), CancellationToken.None);

        Assert.Equal(200, Status(result));
        JsonElement json = Json(result);
        Assert.True(json.GetProperty("fallback").GetBoolean());
        double lastValue = json.GetProperty("lastObservation").GetProperty("value").GetDouble();
        Assert.True(double.IsFinite(lastValue));
        Assert.Equal($"{last.AddDays(-1):yyyy-MM-dd}", json.GetProperty("lastObservation").GetProperty("date").GetString());
        Assert.All(json.GetProperty("forecasts").EnumerateArray(), d => Assert.Equal(lastValue, d.GetProperty("value").GetDouble()));
    }

    /// <summary>Ingests <paramref name="data"/> into <paramref name="services"/>' storage and makes version 1 of the shared app's forecaster champion there.</summary>
    private async Task IngestAndServeAsync(ServiceProvider services, string data)
    {
        string file = Path.Combine(Path.GetTempPath(), $"sidc-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, data);
        await services.GetRequiredService<IngestService>().IngestAsync(file, CancellationToken.None);
        File.Delete(file);
        await app.ServeTheForecasterAsync(services);
    }

    [Fact]
    public async Task Before_any_model_exists_forecast_and_classify_answer_503_with_retry_after()
    {
        await using ServiceProvider empty = ServedAppFixture.Compose(azurite);
        string file = Path.Combine(Path.GetTempPath(), $"sidc-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, app.DataFile);
        await empty.GetRequiredService<IngestService>().IngestAsync(file, CancellationToken.None);
        File.Delete(file);

        HttpRequest forecastRequest = Get();
        HttpRequest classifyRequest = Post("""{"sequence":[1]}""");
        IActionResult forecast = await empty.GetRequiredService<GetForecast>().Run(forecastRequest, CancellationToken.None);
        IActionResult classify = await empty.GetRequiredService<Classify>().Run(classifyRequest, CancellationToken.None);

        AssertProblem(forecast, 503, "", "No sunspot model has been trained yet");
        AssertProblem(classify, 503, "", "No car-colour model has been trained yet");
        Assert.Equal("300", forecastRequest.HttpContext.Response.Headers.RetryAfter.ToString());
        Assert.Equal("300", classifyRequest.HttpContext.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task A_champion_that_cannot_be_loaded_gives_a_persistence_forecast_flagged_as_fallback()
    {
        await using ServiceProvider services = ServedAppFixture.Compose(azurite);
        string file = Path.Combine(Path.GetTempPath(), $"sidc-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, app.DataFile);
        await services.GetRequiredService<IngestService>().IngestAsync(file, CancellationToken.None);
        File.Delete(file);
        var registry = services.GetRequiredService<ModelRegistry>();
        (ModelVersion _, PackageFiles files) = await app.Services.GetRequiredService<ModelRegistry>().DownloadAsync("sunspots", 1, CancellationToken.None);
        await registry.EnsureCreatedAsync(CancellationToken.None);
        ModelVersion broken = await registry.RegisterAsync("sunspots", files, null, CancellationToken.None);
        var aliases = services.GetRequiredService<ModelAliases>();
        await aliases.EnsureCreatedAsync(CancellationToken.None);
        await aliases.TrySetChampionAsync("sunspots", broken.Version, "test", null, CancellationToken.None);
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value;
        await azurite.BlobServiceClient.GetBlobContainerClient(options.ModelsContainer).DeleteBlobAsync($"sunspots/{broken.Version:000000}/weights.bin");

        IActionResult result = await services.GetRequiredService<GetForecast>().Run(Get("?days=2"), CancellationToken.None);

        Assert.Equal(200, Status(result));
        JsonElement json = Json(result);
        Assert.True(json.GetProperty("fallback").GetBoolean());
        Assert.Contains("cannot be loaded", json.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("model").ValueKind);
        double last = json.GetProperty("lastObservation").GetProperty("value").GetDouble();
        Assert.All(json.GetProperty("forecasts").EnumerateArray(), d => Assert.Equal(last, d.GetProperty("value").GetDouble()));
    }
}
