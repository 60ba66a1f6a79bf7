using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;

namespace SunspotForecaster.Core.Tests.Pipeline;

/// <summary>The offline default: the embedded snapshot when storage holds no file, the stored file when it does; and the snapshot read as a source.</summary>
[Collection(AzuriteCollection.Name)]
public class IngestServiceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Offline_the_snapshot_is_stored_once_and_a_stored_file_stays()
    {
        await using PipelineInstance app = PipelineInstance.Create(TestSettings.For(azurite));
        IngestService ingest = app.Get<IngestService>();

        IngestResult first = await ingest.IngestSnapshotAsync(CancellationToken.None);
        IngestResult second = await ingest.IngestSnapshotAsync(CancellationToken.None);

        Assert.Equal(IngestOutcome.Stored, first.Outcome);
        Assert.Equal(SidcSnapshot.Read().Sha256, first.Sha256);
        Assert.Equal(SidcSnapshot.Name, first.Latest!.Source.Url);
        Assert.Equal(SidcSnapshot.LastDay, first.Latest.LastDate);
        Assert.Equal(IngestOutcome.Unchanged, second.Outcome);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Contains("stored file stays", second.Reason);
    }

    [Fact]
    public async Task The_compressed_snapshot_is_read_as_the_file_it_holds_and_a_folder_is_named_as_one()
    {
        await using PipelineInstance app = PipelineInstance.Create(TestSettings.For(azurite));
        IngestService ingest = app.Get<IngestService>();

        IngestResult stored = await ingest.IngestAsync(TestData.RealSidcFile, CancellationToken.None);
        var folder = await Assert.ThrowsAsync<FileNotFoundException>(() => ingest.IngestAsync(RepositoryPaths.Root, CancellationToken.None));

        Assert.Equal(IngestOutcome.Stored, stored.Outcome);
        Assert.Equal(SidcSnapshot.Read().Sha256, stored.Sha256);
        Assert.Contains("is a folder", folder.Message);
    }
}
