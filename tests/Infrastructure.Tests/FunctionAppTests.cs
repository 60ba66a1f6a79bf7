using System.Text.RegularExpressions;
using System.Xml.Linq;
using SunspotForecaster.Infrastructure.Tests.Support;

namespace SunspotForecaster.Infrastructure.Tests;

[Collection(CompiledBicepCollection.Name)]
public sealed class FunctionAppTests(CompiledBicep bicep)
{
    private ArmResource App => bicep.Template.Single("Microsoft.Web/sites");

    [Fact]
    public void The_plan_is_flex_consumption_on_linux()
    {
        var plan = bicep.Template.Single("Microsoft.Web/serverfarms");

        Assert.Equal("FC1", plan.GetText("sku", "name"));
        Assert.Equal("FlexConsumption", plan.GetText("sku", "tier"));
        Assert.Equal("true", plan.GetText("properties", "reserved"));
        Assert.Equal("functionapp,linux", App.GetText("kind"));
    }

    [Fact]
    public void The_runtime_is_the_dotnet_isolated_worker_on_the_apps_target_framework()
    {
        var runtimeName = LocalSettingsSample.Values()["FUNCTIONS_WORKER_RUNTIME"];

        Assert.Equal(runtimeName, App.GetText("properties", "functionAppConfig", "runtime", "name"));
        Assert.Equal("dotnet-isolated", runtimeName);
        Assert.Equal(TargetFrameworkVersion(), App.GetText("properties", "functionAppConfig", "runtime", "version"));
    }

    [Fact]
    public void Instances_have_memory_for_training_by_default_and_only_sizes_flex_offers()
    {
        var memory = App.Get("properties", "functionAppConfig", "scaleAndConcurrency", "instanceMemoryMB");
        var declaration = bicep.Template.Main.ParameterDeclaration("instanceMemoryMB");

        Assert.True(memory.GetInt32() >= 2048, $"instanceMemoryMB defaults to {memory}");
        Assert.Equal(
            [2048, 4096],
            declaration.GetProperty("allowedValues").EnumerateArray().Select(value => value.GetInt32()));
    }

    [Fact]
    public void Scale_out_is_capped()
    {
        var maximum = App.Get("properties", "functionAppConfig", "scaleAndConcurrency", "maximumInstanceCount");
        var declaration = bicep.Template.Main.ParameterDeclaration("maximumInstanceCount");

        Assert.InRange(maximum.GetInt32(), 1, 100);
        Assert.True(declaration.TryGetProperty("maxValue", out var cap), "maximumInstanceCount has no @maxValue");
        Assert.InRange(cap.GetInt32(), maximum.GetInt32(), 100);
    }

    [Fact]
    public void The_app_deploys_from_a_container_of_its_own_account_with_its_identity()
    {
        var storage = App.Get("properties", "functionAppConfig", "deployment", "storage");
        var value = storage.GetProperty("value").GetString()!;
        var authentication = storage.GetProperty("authentication");

        Assert.Equal("blobContainer", storage.GetProperty("type").GetString());
        Assert.Contains("primaryEndpoints.blob", value);
        Assert.Contains("parameters('deploymentContainerName')", value);
        Assert.Equal("UserAssignedIdentity", authentication.GetProperty("type").GetString());
        Assert.Equal("[parameters('identityId')]", authentication.GetProperty("userAssignedIdentityResourceId").GetString());
        Assert.Contains(
            bicep.Template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            container => container.Scope.Name == "storage"
                && container.Name.Contains("parameters('deploymentContainerName')", StringComparison.Ordinal)
                && container.Scope.ParameterText("deploymentContainerName") == App.Scope.ParameterText("deploymentContainerName"));
    }

    [Fact]
    public void The_app_runs_as_the_user_assigned_identity_only()
    {
        Assert.Equal("UserAssigned", App.GetText("identity", "type"));
        Assert.Equal(
            ["[format('{0}', parameters('identityId'))]"],
            App.Get("identity", "userAssignedIdentities").EnumerateObject().Select(identity => identity.Name));
        Assert.Contains("'identity'", App.Scope.ParameterText("identityId"));
    }

    [Fact]
    public void Only_https_with_tls_1_2_is_served()
    {
        Assert.Equal("true", App.GetText("properties", "httpsOnly"));
        Assert.Equal("1.2", App.GetText("properties", "siteConfig", "minTlsVersion"));
        Assert.Equal("1.2", App.GetText("properties", "siteConfig", "scmMinTlsVersion"));
    }

    [Fact]
    public void Ftp_remote_debugging_and_client_affinity_are_off()
    {
        Assert.Equal("Disabled", App.GetText("properties", "siteConfig", "ftpsState"));
        Assert.Equal("false", App.GetText("properties", "siteConfig", "remoteDebuggingEnabled"));
        Assert.Equal("false", App.GetText("properties", "clientAffinityEnabled"));
    }

    [Theory]
    [InlineData("ftp")]
    [InlineData("scm")]
    public void Basic_publishing_credentials_are_refused(string endpoint)
    {
        var policy = Assert.Single(
            bicep.Template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies"),
            resource => resource.Name.EndsWith($"'{endpoint}')]", StringComparison.Ordinal));

        Assert.Equal("false", policy.GetText("properties", "allow"));
    }

    [Fact]
    public void Azd_finds_the_app_by_the_service_name_in_azure_yaml()
    {
        var tags = App.GetText("tags");

        Assert.Contains("createObject('azd-service-name', parameters('azdServiceName'))", tags);
        Assert.Equal(AzureYaml.ServiceName(), App.Scope.ParameterText("azdServiceName"));
    }

    /// <summary>"10.0" for net10.0: the TargetFramework the Functions project builds for.</summary>
    private static string TargetFrameworkVersion()
    {
        var candidates = Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src", "Functions"), "*.csproj")
            .Append(Path.Combine(RepositoryPaths.Root, "Directory.Build.props"));
        var targetFramework = candidates
            .Where(File.Exists)
            .Select(file => XDocument.Load(file).Descendants("TargetFramework").FirstOrDefault()?.Value)
            .First(value => value is not null)!;
        var match = Regex.Match(targetFramework, @"^net(?<version>\d+\.\d+)$");

        Assert.True(match.Success, $"TargetFramework '{targetFramework}' is not netX.Y");
        return match.Groups["version"].Value;
    }

    [Fact]
    public void No_other_origin_may_call_the_api_from_a_browser()
    {
        var cors = App.Get("properties", "siteConfig", "cors");

        Assert.Equal(0, cors.GetProperty("allowedOrigins").GetArrayLength());
        Assert.False(cors.GetProperty("supportCredentials").GetBoolean());
    }
}
