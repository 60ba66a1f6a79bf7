using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// Every ingest attempt, newest first, in the <c>IngestRuns</c> table: one partition per source
/// (<see cref="Sidc"/>, <see cref="Eisn"/>). It keeps what happened — time, outcome, bytes, SHA-256,
/// the error — never the data.
/// </summary>
public sealed class IngestHistory(TableServiceClient tables, IOptions<StorageOptions> options, TimeProvider clock)
{
    public const string Sidc = "sidc";
    public const string Eisn = "eisn";

    private TableClient Runs => tables.GetTableClient(options.Value.IngestRunsTable);

    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => Runs.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>Adds an attempt; <paramref name="outcome"/> is Stored, Unchanged, Quarantined, Invalid or Failed.</summary>
    public async Task AddAsync(string source, string outcome, string? sourceUrl, long bytes, string? sha256, bool changed, string? blobName, string? error, CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        // Newest first: row keys sort ascending, so count down from the end of time.
        string rowKey = $"{DateTimeOffset.MaxValue.UtcTicks - now.UtcTicks:D19}-{Guid.NewGuid():N}";
        var entity = new TableEntity(source, rowKey)
        {
            ["Time"] = now,
            ["Outcome"] = outcome,
            ["Bytes"] = bytes,
            ["Sha256"] = sha256,
            ["Changed"] = changed,
            ["BlobName"] = blobName,
            ["Error"] = error,
            ["SourceUrl"] = sourceUrl,
        };
        try
        {
            await Runs.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The row key is unique to this attempt: the server applied the insert before the
            // client saw an error and retried.
        }
    }

    /// <summary>The most recent attempts of <paramref name="source"/>, newest first; none before the first ingest.</summary>
    public async Task<IReadOnlyList<IngestRun>> RecentAsync(string source, int count, CancellationToken cancellationToken)
    {
        var runs = new List<IngestRun>(count);
        try
        {
            await foreach (TableEntity run in Runs.QueryAsync<TableEntity>(e => e.PartitionKey == source, maxPerPage: count, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                runs.Add(new IngestRun(
                    run.GetDateTimeOffset("Time") ?? DateTimeOffset.MinValue,
                    run.GetString("Outcome") ?? "",
                    run.GetInt64("Bytes") ?? 0,
                    run.GetString("Sha256"),
                    run.GetBoolean("Changed") ?? false,
                    run.GetString("BlobName"),
                    run.GetString("Error"),
                    run.GetString("SourceUrl")));
                if (runs.Count == count)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == "TableNotFound")
        {
            // Nothing was ever ingested here.
        }

        return runs;
    }
}
