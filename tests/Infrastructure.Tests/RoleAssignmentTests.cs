using SunspotForecaster.Infrastructure.Tests.Support;

namespace SunspotForecaster.Infrastructure.Tests;

[Collection(CompiledBicepCollection.Name)]
public sealed class RoleAssignmentTests(CompiledBicep bicep)
{
    private const string StorageAccount = "resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))";
    private const string ApplicationInsights = "resourceId('Microsoft.Insights/components', parameters('applicationInsightsName'))";

    private IReadOnlyList<ArmResource> Assignments => bicep.Template.OfType("Microsoft.Authorization/roleAssignments");

    [Theory]
    [InlineData("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", StorageAccount)] // Storage Blob Data Owner
    [InlineData("974c5e8b-45b9-4653-ba55-5f855dd0fb88", StorageAccount)] // Storage Queue Data Contributor
    [InlineData("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StorageAccount)] // Storage Table Data Contributor
    [InlineData("3913510d-42f4-4e42-8a64-420c390055eb", ApplicationInsights)] // Monitoring Metrics Publisher
    public void The_apps_identity_holds_the_role_on_that_resource_only(string roleId, string scope)
    {
        var assignment = Assert.Single(Assignments, assignment =>
            RoleId(assignment) == roleId && assignment.Properties.GetProperty("principalId").GetString() == "[parameters('appPrincipalId')]");

        Assert.Equal($"[{scope}]", assignment.GetText("scope"));
        Assert.Equal("ServicePrincipal", assignment.GetText("properties", "principalType"));
        Assert.False(assignment.Element.TryGetProperty("condition", out _), "the app's roles must not be conditional");
        Assert.Contains("'identity'", assignment.Scope.ParameterText("appPrincipalId"));
        Assert.Contains("outputs.principalId.value", assignment.Scope.ParameterText("appPrincipalId"));
    }

    [Fact]
    public void Assignment_names_are_guids_of_scope_principal_and_role()
    {
        Assert.NotEmpty(Assignments);
        Assert.All(Assignments, assignment =>
        {
            var scope = assignment.GetText("scope")[1..^1];
            var principal = assignment.Properties.GetProperty("principalId").GetString()![1..^1];
            var role = RoleReference(assignment);

            Assert.Equal($"[guid({scope}, {principal}, {role})]", assignment.Name);
        });
    }

    [Fact]
    public void Role_definition_ids_are_named_in_one_place()
    {
        var scopesWithRoles = bicep.Template.Scopes
            .Where(scope => scope.Template.TryGetProperty("variables", out var variables) && variables.TryGetProperty("roles", out _))
            .ToList();

        var rbac = Assert.Single(scopesWithRoles);
        Assert.All(Assignments, assignment => Assert.Same(rbac, assignment.Scope));
        Assert.All(Assignments, assignment => Assert.StartsWith("variables('roles').", RoleReference(assignment)));
    }

    [Fact]
    public void No_role_is_granted_above_the_storage_account_or_the_application_insights_component() =>
        Assert.All(Assignments, assignment =>
            Assert.Contains(assignment.GetText("scope"), new[] { $"[{StorageAccount}]", $"[{ApplicationInsights}]" }));

    [Fact]
    public void The_optional_user_roles_depend_on_a_principal_being_given()
    {
        var userAssignments = Assignments
            .Where(assignment => assignment.Properties.GetProperty("principalId").GetString() == "[parameters('userPrincipalId')]")
            .ToList();

        Assert.NotEmpty(userAssignments);
        Assert.All(userAssignments, assignment =>
            Assert.Equal("[not(empty(parameters('userPrincipalId')))]", assignment.Element.GetProperty("condition").GetString()));
    }

    /// <summary>"variables('roles').storageBlobDataOwner", from subscriptionResourceId('…/roleDefinitions', …).</summary>
    private static string RoleReference(ArmResource assignment)
    {
        const string prefix = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ";
        var definition = assignment.Properties.GetProperty("roleDefinitionId").GetString()!;

        Assert.StartsWith(prefix, definition);
        return definition[prefix.Length..^2];
    }

    /// <summary>The role definition GUID an assignment grants, looked up in the variable it names.</summary>
    private static string RoleId(ArmResource assignment) =>
        assignment.Scope.ResolveText($"[{RoleReference(assignment)}]");
}
