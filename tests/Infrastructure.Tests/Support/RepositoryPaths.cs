namespace SunspotForecaster.Infrastructure.Tests.Support;

/// <summary>Files of the repository the tests read.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root, as the build recorded it (tests/Shared/RepositoryPaths.cs).</summary>
    public static string Root => SunspotForecaster.Testing.RepositoryPaths.Root;

    public static string AzureYaml => Path.Combine(Root, "azure.yaml");

    public static string BicepFolder => Path.Combine(Root, "infra", "bicep");

    public static string MainBicep => Path.Combine(BicepFolder, "main.bicep");

    public static string MainParameters => Path.Combine(BicepFolder, "main.parameters.json");

    public static string BicepConfig => Path.Combine(BicepFolder, "bicepconfig.json");

    public static string HostJson => Path.Combine(Root, "src", "Functions", "host.json");

    public static string LocalSettingsSample => Path.Combine(Root, "local.settings.sample.json");
}
