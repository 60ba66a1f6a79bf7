using System.Text.Json;
using SunspotForecaster.HostEmulator;
using SunspotForecaster.HostEmulator.Rpc;

namespace SunspotForecaster.Worker.Tests;

/// <summary>
/// What the host learns from the real worker at start-up over the RPC protocol: its capabilities,
/// and the metadata of every function with its trigger, all of which it then loaded.
/// </summary>
[Collection(WorkerCollection.Name)]
public sealed class StartupTests(WorkerFixture worker)
{
    private FunctionsHostEmulator Host => worker.Host;

    /// <summary>Every function of the app: trigger type, then the trigger's settings as the host reads them.</summary>
    public static TheoryData<string, string, string> Triggers => new()
    {
        { "Classify", "httpTrigger", "post classify Anonymous" },
        { "GetDashboard", "httpTrigger", "get dashboard Anonymous" },
        { "GetForecast", "httpTrigger", "get forecast Anonymous" },
        { "GetForecastChart", "httpTrigger", "get forecast/chart Anonymous" },
        { "GetOpenApi", "httpTrigger", "get openapi.json Anonymous" },
        { "GetSkill", "httpTrigger", "get skill Anonymous" },
        { "Health", "httpTrigger", "get health Anonymous" },
        { "ListModels", "httpTrigger", "get models Anonymous" },
        { "PostForecast", "httpTrigger", "post forecast Anonymous" },
        { "PromoteModel", "httpTrigger", "post models/{name}/{version:int}/promote Function" },
        { "RequestRetrain", "httpTrigger", "post retrain Function" },
        { "IngestEisn", "timerTrigger", "%EISN_SCHEDULE%" },
        { "IngestSunspots", "timerTrigger", "%INGEST_SCHEDULE%" },
        { "RetrainModel", "queueTrigger", "%Storage:RetrainQueue% Storage:Queues" },
    };

    [Fact]
    public void The_worker_indexes_and_loads_exactly_the_apps_functions()
    {
        string[] expected = [.. Triggers.Select(row => (string)row[0]).Order(StringComparer.Ordinal)];

        Assert.Equal(expected, Host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(Host.Functions, f => Assert.False(string.IsNullOrEmpty(f.FunctionId), $"{f.Name} has no function id"));
        Assert.Equal(Host.Functions.Count, Host.Functions.Select(f => f.FunctionId).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Triggers))]
    public void Each_function_has_its_trigger_binding(string name, string type, string settings)
    {
        LoadedFunction function = Host.Function(name);

        Assert.Equal(type, function.TriggerType);
        string actual = type switch
        {
            "httpTrigger" => $"{string.Join(",", function.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))} {function.TriggerProperty("route")} {function.TriggerProperty("authLevel")}",
            "timerTrigger" => function.TriggerProperty("schedule")!,
            _ => $"{function.TriggerProperty("queueName")} {function.TriggerProperty("connection")}",
        };
        Assert.Equal(settings, actual);
        // The binding map the host reads besides the raw JSON agrees on the trigger.
        Assert.Equal(type, function.Metadata.Bindings[function.TriggerName].Type);
        Assert.Equal(BindingInfo.Types.Direction.In, function.Metadata.Bindings[function.TriggerName].Direction);
    }

    [Fact]
    public void Timers_do_not_run_on_start_up()
    {
        Assert.All(Host.Functions.Where(f => f.Is("timerTrigger")), f =>
            Assert.False(f.Trigger.TryGetProperty("runOnStartup", out JsonElement run) && run.GetBoolean(), $"{f.Name} runs on start-up"));
    }

    [Fact]
    public void The_worker_reports_the_http_uri_of_its_aspnet_core_server()
    {
        Assert.True(Host.Init.Capabilities.TryGetValue("HttpUri", out string? uri) && Uri.IsWellFormedUriString(uri, UriKind.Absolute), $"capabilities: {Host.Init.Capabilities}");
        Assert.True(Host.WorkerHttpUri.IsLoopback, $"HttpUri {Host.WorkerHttpUri} is not a loopback address");
        Assert.Equal(StatusResult.Types.Status.Success, Host.Init.Result.Status);
    }
}
