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
}
