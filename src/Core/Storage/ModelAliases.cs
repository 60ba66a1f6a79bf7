using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// The champion alias per model (<c>ModelAliases</c>, row key <c>champion</c>). Promotion and
/// rollback change only this row, and only with the ETag that was read: of two changes racing from
/// the same state exactly one succeeds; the other must read again and decide again.
/// </summary>
public sealed class ModelAliases(TableServiceClient tables, IOptions<StorageOptions> options, TimeProvider clock)
{
    public const string ChampionRowKey = "champion";

    private TableClient Aliases => tables.GetTableClient(options.Value.ModelAliasesTable);

    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => Aliases.CreateIfNotExistsAsync(cancellationToken);

    public async Task<Champion?> GetChampionAsync(string name, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row;
        try
        {
            row = await Aliases.GetEntityIfExistsAsync<TableEntity>(name, ChampionRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.ErrorCode == "TableNotFound")
        {
            return null; // nothing was ever promoted here
        }

        if (!row.HasValue)
        {
            return null;
        }

        TableEntity entity = row.Value!;
        return new Champion(name, entity.GetInt32("Version") ?? 0, entity.GetDateTimeOffset("PromotedAt") ?? DateTimeOffset.MinValue, entity.GetString("Reason") ?? "", entity.ETag);
    }

    /// <summary>
    /// Makes <paramref name="version"/> the champion if the alias is still as read:
    /// <paramref name="expected"/> null means "there was no champion". False when another change won.
    /// </summary>
    public async Task<bool> TrySetChampionAsync(string name, int version, string reason, Champion? expected, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(name, ChampionRowKey)
        {
            ["Version"] = version,
            ["PromotedAt"] = clock.GetUtcNow(),
            ["Reason"] = reason,
        };
        try
        {
            if (expected is null)
            {
                await Aliases.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await Aliases.UpdateEntityAsync(entity, expected.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }
}
