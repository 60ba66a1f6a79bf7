using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// The champion alias per model (<c>ModelAliases</c>, row key <c>champion</c>). Promotion and
/// rollback change only this row, and only with the ETag that was read: of two changes racing from
/// the same state exactly one succeeds; the other must read again and decide again.
/// </summary>
public sealed class ModelAliases(TableServiceClient tables, IOptions<StorageOptions> options, TimeProvider clock)
{
    public const string ChampionRowKey = "champion";
    private const string DemotionPrefix = "demotion-";

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
        return new Champion(name, entity.GetInt32("Version") ?? 0, entity.GetDateTimeOffset("PromotedAt") ?? DateTimeOffset.MinValue, entity.GetString("Reason") ?? "", entity.ETag,
            Enum.TryParse(entity.GetString("Baseline"), out ForecastMethod baseline) ? baseline : null);
    }

    /// <summary>
    /// Makes <paramref name="version"/> the champion if the alias is still as read:
    /// <paramref name="expected"/> null means "there was no champion". False when another change won.
    /// </summary>
    public Task<bool> TrySetChampionAsync(string name, int version, string reason, Champion? expected, CancellationToken cancellationToken) =>
        TrySetAsync(name, version, baseline: null, reason, expected, cancellationToken);

    /// <summary>After a demotion with no earlier champion to take over: <paramref name="baseline"/> answers, flagged as a fallback with <paramref name="reason"/>.</summary>
    public Task<bool> TrySetBaselineAsync(string name, ForecastMethod baseline, string reason, Champion? expected, CancellationToken cancellationToken) =>
        TrySetAsync(name, 0, baseline, reason, expected, cancellationToken);

    /// <summary>
    /// Demotes the champion <paramref name="expected"/> as one decision: the alias moves to
    /// <paramref name="demotion"/>'s successor (a version, or a baseline) and the demotion's record
    /// is written beside it, in one transaction of the alias partition, only if the alias is still as
    /// read. False when another change won. The version's registry row is marked afterwards
    /// (<see cref="ModelRegistry.ApplyDemotionAsync"/>), repaired from this record if that step is lost.
    /// </summary>
    public async Task<bool> TryDemoteAsync(Demotion demotion, Champion expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(demotion);
        ArgumentNullException.ThrowIfNull(expected);
        TableEntity champion = ChampionEntity(demotion.Name, demotion.ToVersion ?? 0, demotion.ToBaseline, demotion.Reason, out string writeId);
        var record = new TableEntity(demotion.Name, $"{DemotionPrefix}{DateTimeOffset.MaxValue.UtcTicks - demotion.At.UtcTicks:D19}")
        {
            ["At"] = demotion.At,
            ["FromVersion"] = demotion.FromVersion,
            ["ToVersion"] = demotion.ToVersion,
            ["ToBaseline"] = demotion.ToBaseline?.ToString(),
            ["ModelRmse"] = demotion.ModelRmse,
            ["PersistenceRmse"] = demotion.PersistenceRmse,
            ["Count"] = demotion.Count,
            ["Days"] = demotion.Days,
            ["Statistic"] = demotion.Statistic,
            ["PValue"] = demotion.PValue,
            ["Reason"] = demotion.Reason,
        };
        try
        {
            await Aliases.SubmitTransactionAsync(
                [new TableTransactionAction(TableTransactionActionType.UpdateReplace, champion, expected.ETag), new TableTransactionAction(TableTransactionActionType.Add, record)],
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return await IsOwnWriteAsync(demotion.Name, writeId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The demotions of <paramref name="name"/>, newest first.</summary>
    public async Task<IReadOnlyList<Demotion>> ListDemotionsAsync(string name, CancellationToken cancellationToken)
    {
        var demotions = new List<Demotion>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {name} and RowKey ge {DemotionPrefix} and RowKey lt {DemotionPrefix + "~"}");
        try
        {
            await foreach (TableEntity e in Aliases.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                demotions.Add(new Demotion(name, e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue, e.GetInt32("FromVersion") ?? 0, e.GetInt32("ToVersion"),
                    Enum.TryParse(e.GetString("ToBaseline"), out ForecastMethod baseline) ? baseline : null,
                    e.GetDouble("ModelRmse") ?? double.NaN, e.GetDouble("PersistenceRmse") ?? double.NaN, e.GetInt32("Count") ?? 0, e.GetInt32("Days") ?? 0,
                    e.GetDouble("Statistic") ?? double.NaN, e.GetDouble("PValue") ?? double.NaN, e.GetString("Reason") ?? ""));
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == "TableNotFound")
        {
            // Nothing was ever promoted, so nothing demoted.
        }

        return demotions;
    }

    private async Task<bool> TrySetAsync(string name, int version, ForecastMethod? baseline, string reason, Champion? expected, CancellationToken cancellationToken)
    {
        TableEntity entity = ChampionEntity(name, version, baseline, reason, out string writeId);
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
            return await IsOwnWriteAsync(name, writeId, cancellationToken).ConfigureAwait(false);
        }
    }

    // Each write of the alias carries an id of its own: a 409 or 412 may answer the SDK's retry of a
    // write the server had already applied (the first answer lost), which is this change winning,
    // not another instance.
    private TableEntity ChampionEntity(string name, int version, ForecastMethod? baseline, string reason, out string writeId)
    {
        writeId = Guid.NewGuid().ToString("N");
        return new TableEntity(name, ChampionRowKey)
        {
            ["Version"] = version,
            ["PromotedAt"] = clock.GetUtcNow(),
            ["Reason"] = reason,
            ["Baseline"] = baseline?.ToString(),
            ["WriteId"] = writeId,
        };
    }

    private async Task<bool> IsOwnWriteAsync(string name, string writeId, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> row = await Aliases.GetEntityIfExistsAsync<TableEntity>(name, ChampionRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value!.GetString("WriteId") == writeId;
    }
}
