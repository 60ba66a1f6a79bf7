using System.Text.Json;
using SunspotForecaster.Infrastructure.Tests.Support;

namespace SunspotForecaster.Infrastructure.Tests;

[Collection(CompiledBicepCollection.Name)]
public sealed class BicepCompilationTests(CompiledBicep bicep)
{
    [Fact]
    public void Main_bicep_builds_without_any_diagnostic()
    {
        Assert.True(bicep.Build.ExitCode == 0, bicep.Build.ToString());
        Assert.True(bicep.Build.Diagnostics.Count == 0, bicep.Build.ToString());
    }

    [Fact]
    public void Main_bicep_lints_without_any_diagnostic()
    {
        Assert.True(bicep.Lint.ExitCode == 0, bicep.Lint.ToString());
        Assert.True(bicep.Lint.Diagnostics.Count == 0, bicep.Lint.ToString());
        Assert.Equal("", bicep.Lint.StandardOutput.Trim());
    }

    [Theory]
    [InlineData("outputs-should-not-contain-secrets")]
    [InlineData("secure-parameter-default")]
    [InlineData("no-hardcoded-env-urls")]
    [InlineData("use-secure-value-for-secure-inputs")]
    [InlineData("no-unused-params")]
    public void Security_and_hygiene_lint_rules_are_errors(string rule)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.BicepConfig));
        var analyzers = config.RootElement.GetProperty("analyzers").GetProperty("core");

        Assert.True(analyzers.GetProperty("enabled").GetBoolean(), "the core analyzers are switched off");
        Assert.Equal("error", analyzers.GetProperty("rules").GetProperty(rule).GetProperty("level").GetString());
    }

    [Fact]
    public void Main_template_deploys_at_subscription_scope_and_creates_its_resource_group()
    {
        Assert.Contains("subscriptionDeploymentTemplate", bicep.Template.Root.GetProperty("$schema").GetString());
        Assert.Single(bicep.Template.OfType("Microsoft.Resources/resourceGroups"));
    }
}
