using System.Text.Json;
using Microsoft.Extensions.Configuration;
using SunspotForecaster.Functions.Background;
using SunspotForecaster.Functions.Http;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary>What the real host will see: functions.metadata from the worker SDK's build, and host.json.</summary>
public class FunctionsMetadataTests
{
    private static readonly string Output = FunctionsServer.FunctionsOutput;

    private static JsonElement Function(string name)
    {
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "functions.metadata")));
        return metadata.RootElement.EnumerateArray().Single(f => f.GetProperty("name").GetString() == name).Clone();
    }

    private static JsonElement Trigger(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    [Fact]
    public void The_ingest_timer_runs_on_the_schedule_setting_and_not_on_start_up()
    {
        JsonElement trigger = Trigger(Function(nameof(IngestSunspots)));

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%INGEST_SCHEDULE%", trigger.GetProperty("schedule").GetString());
        Assert.False(trigger.TryGetProperty("runOnStartup", out JsonElement runOnStartup) && runOnStartup.GetBoolean());
    }

    [Fact]
    public void The_estimate_timer_runs_on_its_own_schedule_setting_and_not_on_start_up()
    {
        JsonElement trigger = Trigger(Function(nameof(IngestEisn)));

        Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%EISN_SCHEDULE%", trigger.GetProperty("schedule").GetString());
        Assert.False(trigger.TryGetProperty("runOnStartup", out JsonElement runOnStartup) && runOnStartup.GetBoolean());
    }

    [Fact]
    public void The_retrain_trigger_reads_the_queue_name_and_connection_from_the_settings_the_writer_uses()
    {
        JsonElement trigger = Trigger(Function(nameof(RetrainModel)));

        Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal("%Storage:RetrainQueue%", trigger.GetProperty("queueName").GetString());
        Assert.Equal("Storage:Queues", trigger.GetProperty("connection").GetString());

        // The writer: RetrainQueue sends to StorageOptions.RetrainQueue on the Storage:Queues client.
        IConfiguration settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:RetrainQueue"] = "elsewhere" }).Build();
        var options = new Core.Storage.StorageOptions();
        settings.GetSection(Core.Storage.StorageOptions.SectionName).Bind(options);
        Assert.Equal("elsewhere", options.RetrainQueue);
        Assert.Equal(Core.Storage.StorageOptions.QueuesSection, trigger.GetProperty("connection").GetString());
    }

    [Fact]
    public void Every_setting_a_trigger_names_is_in_the_sample_settings()
    {
        using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "local.settings.sample.json")));
        HashSet<string> keys = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name.Replace("__", ":", StringComparison.Ordinal)).ToHashSet();
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "functions.metadata")));
        string[] named = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .SelectMany(b => b.EnumerateObject())
            .Where(p => p.Value.ValueKind == JsonValueKind.String)
            .SelectMany(p => p.Name == "connection" ? [p.Value.GetString()!] : System.Text.RegularExpressions.Regex.Matches(p.Value.GetString()!, "%([^%]+)%").Select(m => m.Groups[1].Value))
            .Distinct()
            .ToArray();

        Assert.Contains("Storage:RetrainQueue", named);
        Assert.All(named, name => Assert.True(keys.Contains(name) || keys.Any(k => k.StartsWith(name + ":", StringComparison.Ordinal)), $"{name} is not in local.settings.sample.json"));
    }

    [Fact]
    public void Host_json_reads_base64_messages_one_at_a_time_and_times_out_after_the_training_budget()
    {
        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "src", "Functions", "host.json")));
        JsonElement queues = host.RootElement.GetProperty("extensions").GetProperty("queues");

        Assert.Equal("base64", queues.GetProperty("messageEncoding").GetString());
        Assert.Equal(1, queues.GetProperty("batchSize").GetInt32());
        Assert.Equal(0, queues.GetProperty("newBatchThreshold").GetInt32());
        Assert.Equal(5, queues.GetProperty("maxDequeueCount").GetInt32());
        TimeSpan timeout = TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(TimeSpan.FromMinutes(new Core.Pipeline.RetrainJobOptions().BudgetMinutes) < timeout * 0.8, "training budget well under the function timeout");
    }

    [Theory]
    [InlineData(nameof(GetForecast), "forecast", "get", "Anonymous")]
    [InlineData(nameof(PostForecast), "forecast", "post", "Anonymous")]
    [InlineData(nameof(Classify), "classify", "post", "Anonymous")]
    [InlineData(nameof(ListModels), "models", "get", "Anonymous")]
    [InlineData(nameof(PromoteModel), "models/{name}/{version:int}/promote", "post", "Function")]
    [InlineData(nameof(RequestRetrain), "retrain", "post", "Function")]
    [InlineData(nameof(Health), "health", "get", "Anonymous")]
    [InlineData(nameof(GetSkill), "skill", "get", "Anonymous")]
    [InlineData(nameof(GetForecastChart), "forecast/chart", "get", "Anonymous")]
    [InlineData(nameof(GetDashboard), "dashboard", "get", "Anonymous")]
    [InlineData(nameof(GetOpenApi), "openapi.json", "get", "Anonymous")]
    public void Each_http_function_has_its_route_method_and_auth_level(string name, string route, string method, string authLevel)
    {
        JsonElement trigger = Trigger(Function(name));

        Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(authLevel, trigger.GetProperty("authLevel").GetString());
    }

    [Fact]
    public void Only_the_admin_routes_need_a_function_key()
    {
        string[] keyed = [.. HttpFunctionRoute.Read(FunctionsServer.FunctionsOutput).Where(r => r.NeedsKey).Select(r => r.Name).Order()];

        Assert.Equal([nameof(PromoteModel), nameof(RequestRetrain)], keyed);
    }
}
