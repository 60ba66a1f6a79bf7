using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Core.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public class RawDataStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly SourceInfo Source = new("http://127.0.0.1/SILSO/INFO/sndtotcsv.php", "\"v1\"", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero));

    private readonly StorageOptions _options = new()
    {
        RawContainer = UniqueNames.Container("raw"),
        IngestRunsTable = UniqueNames.Table("runs"),
    };

    private RawDataStore Store => new(azurite.BlobServiceClient, new IngestHistory(azurite.TableServiceClient, Options.Create(_options), TimeProvider.System), Options.Create(_options), TimeProvider.System, NullLogger<RawDataStore>.Instance);

    private BlobContainerClient Container => azurite.BlobServiceClient.GetBlobContainerClient(_options.RawContainer);

    public Task InitializeAsync() => Store.EnsureCreatedAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    // 2000-01-01 .. with the last 60 days provisional.
    private static byte[] File(int days, Func<int, float>? values = null)
    {
        var builder = new SidcCsvBuilder().StartingOn(new DateOnly(2000, 1, 1)).WithDays(days).WithProvisionalFrom(new DateOnly(2000, 1, 1).AddDays(days - 60));
        if (values is not null)
        {
            builder.WithValues(values);
        }

        return builder.BuildBytes();
    }

    [Fact]
    public async Task A_new_valid_file_is_stored_once_with_its_metadata_and_made_current()
    {
        byte[] content = File(1000);

        IngestResult result = await Store.SaveAsync(content, Source, CancellationToken.None);

        Assert.Equal(IngestOutcome.Stored, result.Outcome);
        Assert.True(result.Changed);
        Assert.StartsWith("SN_d_tot_V2.0/2002-09-26_", result.BlobName);
        Assert.EndsWith(result.Sha256 + ".csv", result.BlobName);
        BlobProperties properties = (await Container.GetBlobClient(result.BlobName).GetPropertiesAsync()).Value;
        Assert.Equal("1000", properties.Metadata["rows"]);
        Assert.Equal("2000-01-01", properties.Metadata["firstdate"]);
        Assert.Equal("2002-09-26", properties.Metadata["lastdate"]);
        Assert.Equal(Source.Url, Uri.UnescapeDataString(properties.Metadata["sourceurl"]));
        Assert.Equal("\"v1\"", Uri.UnescapeDataString(properties.Metadata["sourceetag"]));
        Assert.Equal(content, (await Container.GetBlobClient(result.BlobName).DownloadContentAsync()).Value.Content.ToArray());

        (LatestPointer pointer, _) = (await Store.GetLatestAsync(CancellationToken.None))!.Value;
        Assert.Equal(result.BlobName, pointer.BlobName);
        Assert.Equal(1000, pointer.Rows);
        Assert.Equal(Source, pointer.Source);
    }

    [Fact]
    public async Task The_same_content_again_stores_nothing_and_is_recorded_as_unchanged()
    {
        await Store.SaveAsync(File(1000), Source, CancellationToken.None);

        IngestResult again = await Store.SaveAsync(File(1000), Source, CancellationToken.None);

        Assert.Equal(IngestOutcome.Unchanged, again.Outcome);
        Assert.False(again.Changed);
        Assert.Single(await DataBlobs());
        IReadOnlyList<IngestRun> runs = await Store.GetRecentRunsAsync(10, CancellationToken.None);
        Assert.Equal(["Unchanged", "Stored"], runs.Select(r => r.Outcome));
        Assert.False(runs[0].Changed);
        Assert.Equal(again.Sha256, runs[0].Sha256);
    }

    [Theory]
    [InlineData("CRLF")]
    [InlineData("BOM")]
    [InlineData("BOM and CRLF")]
    public async Task The_same_days_in_other_bytes_store_nothing_and_keep_the_current_file(string encoding)
    {
        byte[] original = File(1000);
        IngestResult first = await Store.SaveAsync(original, Source, CancellationToken.None);
        string text = Encoding.ASCII.GetString(original);
        text = encoding.Contains("CRLF", StringComparison.Ordinal) ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text;
        byte[] reencoded = [.. encoding.Contains("BOM", StringComparison.Ordinal) ? Encoding.UTF8.Preamble : [], .. Encoding.ASCII.GetBytes(text)];
        Assert.NotEqual(original, reencoded);

        IngestResult again = await Store.SaveAsync(reencoded, Source, CancellationToken.None);

        Assert.Equal(IngestOutcome.Unchanged, again.Outcome);
        Assert.False(again.Changed);
        Assert.Contains("same days", again.Reason, StringComparison.Ordinal);
        Assert.Equal([first.BlobName!], await DataBlobs());
        Assert.Equal(first.Sha256, (await Store.GetLatestAsync(CancellationToken.None))!.Value.Pointer.Sha256);

        // One day's value changed is new data whatever the encoding.
        string[] lines = text.TrimEnd().Split('\n');
        string[] last = lines[^1].Split(';');
        last[4] = last[4].Trim() == "42" ? "  43" : "  42";
        lines[^1] = string.Join(';', last);
        IngestResult revised = await Store.SaveAsync([.. reencoded[..(encoding.Contains("BOM", StringComparison.Ordinal) ? 3 : 0)], .. Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n")], Source, CancellationToken.None);
        Assert.Equal(IngestOutcome.Stored, revised.Outcome);
    }

    [Fact]
    public async Task A_newer_file_moves_the_pointer_forward()
    {
        IngestResult first = await Store.SaveAsync(File(1000), Source, CancellationToken.None);

        IngestResult newer = await Store.SaveAsync(File(1031), Source with { ETag = "\"v2\"" }, CancellationToken.None);

        Assert.Equal(IngestOutcome.Stored, newer.Outcome);
        Assert.NotEqual(first.BlobName, newer.BlobName);
        (LatestPointer pointer, _) = (await Store.GetLatestAsync(CancellationToken.None))!.Value;
        Assert.Equal(newer.BlobName, pointer.BlobName);
        Assert.Equal(2, (await DataBlobs()).Count);
    }

    [Fact]
    public async Task A_file_that_lost_its_latest_days_is_quarantined_with_the_reason_and_the_pointer_stays()
    {
        IngestResult current = await Store.SaveAsync(File(1000), Source, CancellationToken.None);

        // Five days short: within the 1% that used to be let through, and it would move history back.
        IngestResult shorter = await Store.SaveAsync(File(995), Source, CancellationToken.None);

        Assert.Equal(IngestOutcome.Quarantined, shorter.Outcome);
        Assert.Contains("lost the latest 5 days", shorter.Reason);
        Assert.StartsWith(RawDataStore.QuarantinePrefix, shorter.BlobName);
        BlobProperties properties = (await Container.GetBlobClient(shorter.BlobName).GetPropertiesAsync()).Value;
        Assert.Contains("history only moves forward", Uri.UnescapeDataString(properties.Metadata["quarantinereason"]));
        Assert.Equal(current.BlobName, (await Store.GetLatestAsync(CancellationToken.None))!.Value.Pointer.BlobName);
        Assert.Equal("Quarantined", (await Store.GetRecentRunsAsync(1, CancellationToken.None))[0].Outcome);
    }

    [Fact]
    public async Task A_file_with_days_after_today_is_refused_and_nothing_is_stored()
    {
        DateOnly today = DateOnly.FromDateTime(DateTime.UtcNow);
        byte[] future = new SidcCsvBuilder().StartingOn(today.AddDays(-99)).WithDays(101).BuildBytes();

        IngestResult result = await Store.SaveAsync(future, Source, CancellationToken.None);

        Assert.Equal(IngestOutcome.Invalid, result.Outcome);
        Assert.Contains($"its last day {today.AddDays(1):yyyy-MM-dd} lies after today", result.Reason);
        Assert.Null(await Store.GetLatestAsync(CancellationToken.None));
        Assert.Empty(await DataBlobs());
    }

    [Fact]
    public async Task A_file_that_rewrites_definitive_values_is_quarantined()
    {
        await Store.SaveAsync(File(1000, i => i % 120), Source, CancellationToken.None);

        IngestResult rewritten = await Store.SaveAsync(File(1010, i => i == 10 ? 400 : i % 120), Source, CancellationToken.None);

        Assert.Equal(IngestOutcome.Quarantined, rewritten.Outcome);
        Assert.Contains("2000-01-11 from 10 to 400", rewritten.Reason);
    }

    [Fact]
    public async Task An_invalid_file_stores_nothing_and_the_attempt_records_why()
    {
        IngestResult result = await Store.SaveAsync(Encoding.ASCII.GetBytes("<html><body>503</body></html>"), Source, CancellationToken.None);

        Assert.Equal(IngestOutcome.Invalid, result.Outcome);
        Assert.Contains("HTML", result.Reason);
        Assert.Empty(await DataBlobs());
        Assert.Null(await Store.GetLatestAsync(CancellationToken.None));
        IngestRun run = (await Store.GetRecentRunsAsync(1, CancellationToken.None))[0];
        Assert.Equal("Invalid", run.Outcome);
        Assert.Contains("HTML", run.Error);
    }

    [Fact]
    public async Task Ten_instances_saving_the_same_new_file_at_once_store_it_once()
    {
        byte[] content = File(1000);

        IngestResult[] results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Store.SaveAsync(content, Source, CancellationToken.None)));

        Assert.Single(results, r => r.Outcome == IngestOutcome.Stored);
        Assert.Equal(9, results.Count(r => r.Outcome == IngestOutcome.Unchanged));
        Assert.Single(await DataBlobs());
    }

    private async Task<List<string>> DataBlobs()
    {
        var names = new List<string>();
        await foreach (BlobItem blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, RawDataStore.FilesPrefix, CancellationToken.None))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
