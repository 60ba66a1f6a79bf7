using SunspotForecaster.Infrastructure.Tests.Support;

namespace SunspotForecaster.Infrastructure.Tests;

[Collection(CompiledBicepCollection.Name)]
public sealed class StorageTests(CompiledBicep bicep)
{
    private ArmResource Account => bicep.Template.Single("Microsoft.Storage/storageAccounts");

    [Fact]
    public void Shared_key_access_is_refused() =>
        Assert.Equal("false", Account.GetText("properties", "allowSharedKeyAccess"));

    [Fact]
    public void Blobs_cannot_be_made_public() =>
        Assert.Equal("false", Account.GetText("properties", "allowBlobPublicAccess"));

    [Fact]
    public void Only_https_with_tls_1_2_or_later_is_accepted()
    {
        Assert.Equal("TLS1_2", Account.GetText("properties", "minimumTlsVersion"));
        Assert.Equal("true", Account.GetText("properties", "supportsHttpsTrafficOnly"));
    }

    [Theory]
    [InlineData("deleteRetentionPolicy")]
    [InlineData("containerDeleteRetentionPolicy")]
    public void Deleted_blobs_and_containers_can_be_restored_for_a_week_at_least(string policy)
    {
        var blobService = bicep.Template.Single("Microsoft.Storage/storageAccounts/blobServices");

        Assert.Equal("true", blobService.GetText("properties", policy, "enabled"));
        Assert.InRange(blobService.Get("properties", policy, "days").GetInt32(), 7, 365);
    }

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices/containers", "sidc-raw")]
    [InlineData("Microsoft.Storage/storageAccounts/blobServices/containers", "models")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices/tables", "ModelVersions")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices/tables", "ModelAliases")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices/tables", "IngestRuns")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices/tables", "ForecastLedger")]
    public void The_containers_queues_and_tables_the_app_uses_exist(string type, string name) =>
        Assert.Contains(bicep.Template.OfType(type), resource => resource.Name.EndsWith($"'{name}')]", StringComparison.Ordinal));

    [Fact]
    public void The_retrain_queue_and_its_poison_queue_carry_the_name_the_app_setting_carries()
    {
        ArmResource[] queues = bicep.Template.OfType("Microsoft.Storage/storageAccounts/queueServices/queues").ToArray();

        Assert.Equal(2, queues.Length);
        Assert.All(queues, queue => Assert.Equal("retrain-requests", queue.Scope.ParameterText("retrainQueueName")));
        Assert.Contains(queues, queue => queue.Name.EndsWith("parameters('retrainQueueName'))]", StringComparison.Ordinal));
        Assert.Contains(queues, queue => queue.Name.EndsWith("format('{0}-poison', parameters('retrainQueueName')))]", StringComparison.Ordinal));
    }

    [Fact]
    public void No_container_allows_anonymous_access() =>
        Assert.All(
            bicep.Template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"),
            container => Assert.Equal("None", container.GetText("properties", "publicAccess")));

    [Fact]
    public void The_account_holding_the_tables_is_locked_against_deletion_unless_the_environment_says_otherwise()
    {
        ArmResource lockOnAccount = bicep.Template.Single("Microsoft.Authorization/locks");

        Assert.Equal("CanNotDelete", lockOnAccount.GetText("properties", "level"));
        Assert.Contains("Microsoft.Storage/storageAccounts", lockOnAccount.Element.GetProperty("scope").GetString());
        Assert.Equal("[parameters('lockAgainstDeletion')]", lockOnAccount.Element.GetProperty("condition").GetString());
        // Wired to main.bicep's lockStorage, which is on unless the azd environment turns it off.
        Assert.Equal("true", lockOnAccount.Scope.ParameterText("lockAgainstDeletion"));
        Assert.True(bicep.Template.Main.ParameterDeclaration("lockStorage").GetProperty("defaultValue").GetBoolean());
    }
}
