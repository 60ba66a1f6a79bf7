using SunspotForecaster.Infrastructure.Tests.Support;

namespace SunspotForecaster.Infrastructure.Tests;

[Collection(CompiledBicepCollection.Name)]
public sealed class SecretHygieneTests(CompiledBicep bicep)
{
    [Theory]
    [InlineData("AccountKey=")]
    [InlineData("listKeys(")]
    [InlineData("SharedAccessSignature")]
    [InlineData("listAccountSas(")]
    [InlineData("listServiceSas(")]
    [InlineData("UseDevelopmentStorage")]
    public void No_key_sas_or_local_connection_string_appears_anywhere(string forbidden) =>
        Assert.DoesNotContain(
            bicep.Template.AllStrings(),
            text => text.Contains(forbidden, StringComparison.OrdinalIgnoreCase));

    [Fact]
    public void No_secure_parameter_has_a_default()
    {
        var secureWithDefault = bicep.Template.Scopes
            .SelectMany(scope => scope.Parameters.Select(parameter => (scope.Name, parameter.Name, parameter.Declaration)))
            .Where(parameter => parameter.Declaration.GetProperty("type").GetString()!.StartsWith("secure", StringComparison.OrdinalIgnoreCase))
            .Where(parameter => parameter.Declaration.TryGetProperty("defaultValue", out _))
            .Select(parameter => $"{parameter.Item1}.{parameter.Item2}");

        Assert.Empty(secureWithDefault);
    }

    [Fact]
    public void The_compiled_template_has_every_module_flattened() =>
        // Guards the two tests above: they only see what the template walker found.
        Assert.Equal(
            ["main", "identity", "storage", "monitoring", "rbac", "plan-and-app"],
            bicep.Template.Scopes.Select(scope => scope.Name));
}
