using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// Every served forecast, kept to be scored (table <c>ForecastLedger</c>): one partition per issue
/// day, one row per (model version, target day). A day's forecasts are written in one table
/// transaction, create-only: however many instances record the same day, its rows are written once
/// and never half.
/// </summary>
public sealed class ForecastLedger(TableServiceClient tables, IOptions<StorageOptions> options)
{
    /// <summary>A table transaction holds at most 100 rows; a day holds at most 30.</summary>
    private const int MaxRowsPerDay = 100;

    private TableClient Table => tables.GetTableClient(options.Value.ForecastLedgerTable);

    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => Table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>True when <paramref name="issueDate"/>'s forecasts are recorded already.</summary>
    public async Task<bool> HasDayAsync(DateOnly issueDate, CancellationToken cancellationToken)
    {
        string partition = Key(issueDate);
        await foreach (TableEntity _ in Table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// Records one issue day's forecasts, all or none. False when the day was recorded already (by
    /// this caller earlier, or by another instance just now).
    /// </summary>
    public async Task<bool> TryRecordDayAsync(IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count is 0 or > MaxRowsPerDay || entries.Any(e => e.IssueDate != entries[0].IssueDate))
        {
            throw new ArgumentException($"A ledger day is 1 to {MaxRowsPerDay} rows of one issue date.", nameof(entries));
        }

        try
        {
            await Table.SubmitTransactionAsync(entries.Select(e => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(e))), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            // A row of this day exists: the day was recorded (the whole transaction was refused).
            return false;
        }
    }

    /// <summary>The rows issued from <paramref name="from"/> to <paramref name="to"/>, each with the ETag an update must present.</summary>
    public async Task<IReadOnlyList<(LedgerEntry Entry, ETag ETag)>> ReadAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var rows = new List<(LedgerEntry, ETag)>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey ge {Key(from)} and PartitionKey le {Key(to)}");
        try
        {
            await foreach (TableEntity entity in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                rows.Add((FromEntity(entity), entity.ETag));
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == "TableNotFound")
        {
            // Nothing recorded yet.
        }

        return rows;
    }

    /// <summary>Writes the observed value and its kind on a row, if the row is still as read. False when another scorer changed it meanwhile.</summary>
    public async Task<bool> TryScoreAsync(LedgerEntry entry, ETag etag, float observed, ObservationKind kind, DateTimeOffset scoredAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var patch = new TableEntity(Key(entry.IssueDate), RowKey(entry))
        {
            ["Observed"] = (double)observed,
            ["ObservedKind"] = kind.ToString(),
            ["ScoredAt"] = scoredAt,
        };
        try
        {
            await Table.UpdateEntityAsync(patch, etag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    private static string Key(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string RowKey(LedgerEntry e) => string.Create(CultureInfo.InvariantCulture, $"{e.Model}-{e.Version:000000}-{e.TargetDate:yyyy-MM-dd}");

    // A quantile's column: Quantile05 for the level 0.05 (a table's property names take no dot).
    private static string QuantileColumn(double level) => "Quantile" + ForecastQuantiles.Key(level)[2..];

    private static TableEntity ToEntity(LedgerEntry e)
    {
        TableEntity entity = Fields(e);
        for (int k = 0; k < PredictionIntervals.Levels.Count; k++)
        {
            entity[QuantileColumn(PredictionIntervals.Levels[k])] = (double?)e.Quantiles?.Values[k];
        }

        return entity;
    }

    private static ForecastQuantiles? QuantilesOf(TableEntity e)
    {
        double?[] values = [.. PredictionIntervals.Levels.Select(level => e.GetDouble(QuantileColumn(level)))];
        return values.Any(v => v is null) ? null : new ForecastQuantiles([.. values.Select(v => (float)v!.Value)]);
    }

    private static TableEntity Fields(LedgerEntry e) => new(Key(e.IssueDate), RowKey(e))
    {
        ["TargetDate"] = Key(e.TargetDate),
        ["Lead"] = e.Lead,
        ["Model"] = e.Model,
        ["Version"] = e.Version,
        ["Value"] = (double)e.Value,
        ["Lower"] = (double?)e.Lower,
        ["Upper"] = (double?)e.Upper,
        ["IntervalLevel"] = e.IntervalLevel,
        ["Method"] = e.Method.ToString(),
        ["LastObservationDate"] = Key(e.LastObservationDate),
        ["LastObservationKind"] = e.LastObservationKind?.ToString(),
        ["Persistence"] = (double)e.Persistence,
        ["RotationMean"] = (double)e.RotationMean,
    };

    private static LedgerEntry FromEntity(TableEntity e) => new(
        DateOnly.ParseExact(e.PartitionKey, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateOnly.ParseExact(e.GetString("TargetDate")!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        e.GetInt32("Lead") ?? 0,
        e.GetString("Model") ?? "",
        e.GetInt32("Version") ?? 0,
        (float)(e.GetDouble("Value") ?? double.NaN),
        (float?)e.GetDouble("Lower"),
        (float?)e.GetDouble("Upper"),
        e.GetDouble("IntervalLevel"),
        Enum.TryParse(e.GetString("Method"), out ForecastMethod method) ? method : ForecastMethod.Model,
        DateOnly.ParseExact(e.GetString("LastObservationDate")!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
        Enum.TryParse(e.GetString("LastObservationKind"), out ObservationKind lastKind) ? lastKind : null,
        (float)(e.GetDouble("Persistence") ?? double.NaN),
        (float)(e.GetDouble("RotationMean") ?? double.NaN),
        (float?)e.GetDouble("Observed"),
        Enum.TryParse(e.GetString("ObservedKind"), out ObservationKind observedKind) ? observedKind : null,
        e.GetDateTimeOffset("ScoredAt"),
        QuantilesOf(e));
}
