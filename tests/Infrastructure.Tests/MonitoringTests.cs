using SunspotForecaster.Infrastructure.Tests.Support;

namespace SunspotForecaster.Infrastructure.Tests;

[Collection(CompiledBicepCollection.Name)]
public sealed class MonitoringTests(CompiledBicep bicep)
{
    [Fact]
    public void Application_insights_accepts_entra_tokens_only()
    {
        var component = bicep.Template.Single("Microsoft.Insights/components");

        Assert.Equal("true", component.GetText("properties", "DisableLocalAuth"));
    }

    [Fact]
    public void Application_insights_stores_its_data_in_the_log_analytics_workspace()
    {
        var component = bicep.Template.Single("Microsoft.Insights/components");

        Assert.Equal("LogAnalytics", component.GetText("properties", "IngestionMode"));
        Assert.Contains("Microsoft.OperationalInsights/workspaces", component.GetText("properties", "WorkspaceResourceId"));
    }

    [Fact]
    public void Log_analytics_accepts_entra_tokens_only()
    {
        var workspace = bicep.Template.Single("Microsoft.OperationalInsights/workspaces");

        Assert.Equal("true", workspace.GetText("properties", "features", "disableLocalAuth"));
    }

    [Fact]
    public void Log_analytics_takes_at_most_a_daily_quota()
    {
        var workspace = bicep.Template.Single("Microsoft.OperationalInsights/workspaces");

        Assert.InRange(workspace.Get("properties", "workspaceCapping", "dailyQuotaGb").GetInt32(), 1, 100);
    }

    [Fact]
    public void Requests_are_sampled_and_only_exceptions_are_kept_whole()
    {
        using var host = System.Text.Json.JsonDocument.Parse(File.ReadAllText(RepositoryPaths.HostJson));
        var sampling = host.RootElement.GetProperty("logging").GetProperty("applicationInsights").GetProperty("samplingSettings");

        Assert.True(sampling.GetProperty("isEnabled").GetBoolean());
        Assert.Equal("Exception", sampling.GetProperty("excludedTypes").GetString());
    }
}
