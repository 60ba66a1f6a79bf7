using System.Text.Json;
using SunspotForecaster.Infrastructure.Tests.Support;

namespace SunspotForecaster.Infrastructure.Tests;

/// <summary>
/// The app settings the template writes, against local.settings.sample.json (the list of every
/// setting the app reads): a setting added to the app and forgotten in the Bicep fails here.
/// </summary>
[Collection(CompiledBicepCollection.Name)]
public sealed class AppSettingsTests(CompiledBicep bicep)
{
    // Flex Consumption sets these itself or rejects them (runtime in functionAppConfig, content in a
    // blob container, scale in scaleAndConcurrency); the list `az functionapp flex-migration` drops.
    private static readonly string[] s_rejectedByFlexConsumption =
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_MAX_HTTP_CONCURRENCY", "FUNCTIONS_WORKER_PROCESS_COUNT", "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED",
        "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "WEBSITE_CONTENTOVERVNET", "WEBSITE_CONTENTSHARE", "WEBSITE_DNS_SERVER", "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
        "WEBSITE_NODE_DEFAULT_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
        "WEBSITE_VNET_ROUTE_ALL", "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED", "WEBSITE_MOUNT_ENABLED", "AzureWebJobsDashboard",
    ];

    private ArmResource AppSettings => Assert.Single(
        bicep.Template.OfType("Microsoft.Web/sites/config"),
        config => config.Name.EndsWith("'appsettings')]", StringComparison.Ordinal));

    private IReadOnlyDictionary<string, JsonElement> Settings =>
        AppSettings.Properties.EnumerateObject().ToDictionary(setting => setting.Name, setting => setting.Value);

    private string Text(string key)
    {
        Assert.True(Settings.TryGetValue(key, out var value), $"The template sets no app setting '{key}'.");
        return AppSettings.Scope.ResolveText(value);
    }

    [Fact]
    public void Every_plain_local_setting_is_set_with_the_same_default()
    {
        var plain = LocalSettingsSample.Values()
            .Where(setting => setting.Value != LocalSettingsSample.DevelopmentStorage && setting.Key != "FUNCTIONS_WORKER_RUNTIME")
            .ToList();

        Assert.NotEmpty(plain);
        Assert.All(plain, setting => Assert.Equal(setting.Value, Text(setting.Key)));
    }

    [Fact]
    public void Every_local_connection_string_becomes_an_identity_based_connection()
    {
        var connections = LocalSettingsSample.Values()
            .Where(setting => setting.Value == LocalSettingsSample.DevelopmentStorage)
            .Select(setting => setting.Key)
            .ToList();

        Assert.Contains("AzureWebJobsStorage", connections);
        Assert.All(connections, key =>
        {
            Assert.False(Settings.ContainsKey(key), $"'{key}' is set as a connection string; use {key}__serviceUri and a credential");
            Assert.Equal("managedidentity", Text($"{key}__credential"));
            Assert.Contains("outputs.clientId.value", Text($"{key}__clientId"));
            Assert.Contains(Settings.Keys, setting =>
                setting.StartsWith($"{key}__", StringComparison.Ordinal)
                && (setting.EndsWith("ServiceUri", StringComparison.OrdinalIgnoreCase) || setting.EndsWith("__endpoint", StringComparison.Ordinal)));
        });
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__blobServiceUri", "blob")]
    [InlineData("AzureWebJobsStorage__queueServiceUri", "queue")]
    [InlineData("AzureWebJobsStorage__tableServiceUri", "table")]
    [InlineData("Storage__Blobs__serviceUri", "blob")]
    [InlineData("Storage__Queues__serviceUri", "queue")]
    [InlineData("Storage__Tables__endpoint", "table")]
    public void Service_uris_are_the_matching_endpoint_of_the_apps_own_account(string key, string service)
    {
        var uri = Text(key);

        Assert.Contains("resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))", uri);
        Assert.EndsWith($".primaryEndpoints.{service}]", uri);
    }

    [Fact]
    public void The_worker_runtime_is_not_an_app_setting_because_flex_consumption_rejects_it()
    {
        Assert.Contains("FUNCTIONS_WORKER_RUNTIME", LocalSettingsSample.Values().Keys);
        Assert.All(s_rejectedByFlexConsumption, key =>
            Assert.DoesNotContain(Settings.Keys, setting => string.Equals(setting, key, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void Function_timeout_matches_host_json()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.HostJson));

        Assert.Equal(host.RootElement.GetProperty("functionTimeout").GetString(), Text("AzureFunctionsJobHost__functionTimeout"));
    }

    [Fact]
    public void Application_insights_is_reached_with_the_apps_identity()
    {
        Assert.Contains("reference(resourceId('Microsoft.Insights/components'", Text("APPLICATIONINSIGHTS_CONNECTION_STRING"));
        Assert.Equal(
            "[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
            Settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].GetString());
        Assert.Contains("outputs.clientId.value", AppSettings.Scope.ParameterText("identityClientId"));
    }

    [Fact]
    public void The_app_settings_belong_to_the_function_app()
    {
        var app = bicep.Template.Single("Microsoft.Web/sites");

        Assert.Same(app.Scope, AppSettings.Scope);
        Assert.StartsWith("[format('{0}/{1}', parameters('appName'), ", AppSettings.Name);
    }
}
