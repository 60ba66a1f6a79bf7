using System.Text.Json;
using System.Text.RegularExpressions;
using SunspotForecaster.Infrastructure.Tests.Support;

namespace SunspotForecaster.Infrastructure.Tests;

[Collection(CompiledBicepCollection.Name)]
public sealed partial class AzdWiringTests(CompiledBicep bicep)
{
    [Fact]
    public void Azure_yaml_points_at_the_bicep_folder_and_the_functions_project()
    {
        Assert.Equal("bicep", AzureYaml.Value("provider"));
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, AzureYaml.Value("path"), AzureYaml.Value("module") + ".bicep")));
        Assert.Equal(Path.GetFullPath(RepositoryPaths.BicepFolder), Path.GetFullPath(Path.Combine(RepositoryPaths.Root, AzureYaml.Value("path"))));
        Assert.Equal(
            Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "src", "Functions")),
            Path.GetFullPath(Path.Combine(RepositoryPaths.Root, AzureYaml.Value("project"))));
        Assert.Equal("dotnet", AzureYaml.Value("language"));
        Assert.Equal("function", AzureYaml.Value("host"));
    }

    [Fact]
    public void The_parameters_file_feeds_azd_environment_values_to_existing_parameters()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.MainParameters));
        var given = file.RootElement.GetProperty("parameters").EnumerateObject()
            .ToDictionary(parameter => parameter.Name, parameter => parameter.Value.GetProperty("value").GetString());
        var declared = bicep.Template.Main.Parameters.Select(parameter => parameter.Name).ToHashSet();

        Assert.Equal("${AZURE_ENV_NAME}", given["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", given["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", given["principalId"]);
        Assert.All(given.Keys, name => Assert.Contains(name, declared));
    }

    [Fact]
    public void Every_parameter_without_a_default_comes_from_the_parameters_file()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(RepositoryPaths.MainParameters));
        var parameters = file.RootElement.GetProperty("parameters");
        var required = bicep.Template.Main.Parameters
            .Where(parameter => !parameter.Declaration.TryGetProperty("defaultValue", out _))
            .Select(parameter => parameter.Name)
            .ToList();

        Assert.NotEmpty(required);
        Assert.All(required, name => Assert.True(parameters.TryGetProperty(name, out _), $"main.parameters.json lacks '{name}'"));
    }

    [Fact]
    public void Outputs_are_upper_snake_case_and_name_the_app_and_its_storage()
    {
        var outputs = bicep.Template.Root.GetProperty("outputs").EnumerateObject().Select(output => output.Name).ToList();

        Assert.All(outputs, name => Assert.Matches(UpperSnake(), name));
        Assert.Contains("AZURE_FUNCTION_APP_NAME", outputs);
        Assert.Contains("AZURE_STORAGE_ACCOUNT_NAME", outputs);
        Assert.Contains("AZURE_RESOURCE_GROUP", outputs);
        Assert.Contains("APPLICATIONINSIGHTS_CONNECTION_STRING", outputs);
    }

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial Regex UpperSnake();
}
