using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Packaging;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// Model versions in storage: packages under <c>models/{name}/{version:000000}/</c> and one row per
/// version in the registry table. A version is registered in three steps — allocate the next number
/// (a counter row changed only with its ETag, so racing registrations get distinct numbers), upload
/// the package create-only under that number, write the row with the files' SHA-256 — so a row
/// never points at a missing or incomplete package. A crash between the steps leaves a number
/// unused or blobs without a row; both are ignored, and <see cref="DeleteOrphansAsync"/> removes
/// the blobs.
/// </summary>
public sealed partial class ModelRegistry(
    BlobServiceClient blobs,
    TableServiceClient tables,
    IOptions<StorageOptions> options,
    TimeProvider clock,
    ILogger<ModelRegistry> logger)
{
    public const string StatusRegistered = "registered";
    public const string StatusRejected = "rejected";
    /// <summary>Made champion at some point (whether it still is, the champion alias says).</summary>
    public const string StatusPromoted = "promoted";

    /// <summary>Demoted for losing to persistence in live use: it comes back only by a promotion by hand.</summary>
    public const string StatusDemoted = "demoted";

    /// <summary>Shown, never stored: the row is there but a package file is gone, so the version cannot be served.</summary>
    public const string StatusUnavailable = "unavailable";
    /// <summary>The data key of models trained from no data file (the car classifier).</summary>
    public const string NoData = "none";
    private const string CounterRowKey = "counter";
    private const string ClaimPrefix = "queued-";
    private const int MaxAttempts = 50;

    private BlobContainerClient Container => blobs.GetBlobContainerClient(options.Value.ModelsContainer);

    private TableClient Versions => tables.GetTableClient(options.Value.ModelVersionsTable);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Versions.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Registers the package in a folder; see <see cref="RegisterAsync(string, PackageFiles, string?, CancellationToken)"/>.</summary>
    public Task<ModelVersion> RegisterAsync(string name, string packageDirectory, string? settingsSha256, CancellationToken cancellationToken) =>
        RegisterAsync(name, PackageFiles.Read(packageDirectory), settingsSha256, cancellationToken);

    /// <summary>
    /// Registers <paramref name="files"/> as the next version of <paramref name="name"/>.
    /// <paramref name="settingsSha256"/> identifies the training settings, so that the same data and
    /// settings are never trained twice.
    /// </summary>
    public async Task<ModelVersion> RegisterAsync(string name, PackageFiles files, string? settingsSha256, CancellationToken cancellationToken)
    {
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(files);
        ModelManifest manifest = ModelPackage.ReadManifest(files, name, $"the {name} package to register");
        byte[] manifestBytes = files.Manifest;
        byte[] weightsBytes = files.Weights;
        string weightsSha256 = Sha256(weightsBytes);
        if (weightsSha256 != manifest.Weights.Sha256)
        {
            throw new ModelPackageException($"The {name} package to register is corrupt: its weights do not match the manifest.");
        }

        int version = await AllocateVersionAsync(name, cancellationToken).ConfigureAwait(false);
        string prefix = Prefix(name, version);
        await UploadCreateOnlyAsync(prefix + ModelPackage.WeightsFileName, weightsBytes, cancellationToken).ConfigureAwait(false);
        await UploadCreateOnlyAsync(prefix + ModelPackage.ManifestFileName, manifestBytes, cancellationToken).ConfigureAwait(false);

        var row = new ModelVersion(
            name,
            version,
            StatusRegistered,
            clock.GetUtcNow(),
            manifest.DataSha256 ?? NoData,
            settingsSha256,
            manifest.CodeVersion,
            manifest.Forecaster?.Metrics.Test.Rmse,
            manifest.Forecaster?.Metrics.Test.PersistenceRmse,
            manifest.Classifier?.Metrics.EnumerationAccuracy,
            manifest.Forecaster?.Training.TrainSeconds ?? manifest.Classifier?.Training.TrainSeconds,
            Sha256(manifestBytes),
            weightsSha256,
            weightsBytes.Length,
            Reason: null);
        try
        {
            await Versions.AddEntityAsync(ToEntity(row), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // The number was ours alone, so an existing row is our own insert that the server
            // applied before the client saw an error and retried.
            ModelVersion? written = await GetAsync(name, version, cancellationToken).ConfigureAwait(false);
            if (written is null || written.ManifestSha256 != row.ManifestSha256 || written.WeightsSha256 != row.WeightsSha256)
            {
                throw;
            }

            row = written;
        }

        LogRegistered(name, version, row.TestRmse, row.Accuracy);
        return row;
    }

    /// <summary>All registered versions of <paramref name="name"/>, oldest first.</summary>
    public async Task<IReadOnlyList<ModelVersion>> ListAsync(string name, CancellationToken cancellationToken)
    {
        ValidateName(name);
        var versions = new List<ModelVersion>();
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {name} and RowKey ge {"000000"} and RowKey le {"999999"}");
        try
        {
            await foreach (TableEntity entity in Versions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                versions.Add(FromEntity(entity));
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == "TableNotFound")
        {
            // Nothing was ever registered here.
        }

        return versions;
    }

    /// <summary>One version, or null when it was never registered.</summary>
    public async Task<ModelVersion?> GetAsync(string name, int version, CancellationToken cancellationToken)
    {
        ValidateName(name);
        try
        {
            NullableResponse<TableEntity> entity = await Versions.GetEntityIfExistsAsync<TableEntity>(name, RowKey(version), cancellationToken: cancellationToken).ConfigureAwait(false);
            return entity.HasValue ? FromEntity(entity.Value!) : null;
        }
        catch (RequestFailedException e) when (e.ErrorCode == "TableNotFound")
        {
            return null;
        }
    }

    /// <summary>
    /// Downloads a registered version after checking both files against the SHA-256 its row
    /// recorded; throws <see cref="ModelPackageException"/> when the package is missing or differs,
    /// so such a version is never served.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The version was never registered.</exception>
    public async Task<(ModelVersion Row, PackageFiles Files)> DownloadAsync(string name, int version, CancellationToken cancellationToken)
    {
        ModelVersion row = await GetAsync(name, version, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"Model '{name}' has no version {version}.");
        string prefix = Prefix(name, version);
        byte[] manifest = await DownloadVerifiedAsync(prefix + ModelPackage.ManifestFileName, row.ManifestSha256, cancellationToken).ConfigureAwait(false);
        byte[] weights = await DownloadVerifiedAsync(prefix + ModelPackage.WeightsFileName, row.WeightsSha256, cancellationToken).ConfigureAwait(false);
        return (row, new PackageFiles(manifest, weights));
    }

    /// <summary>How a downloaded version is named in messages.</summary>
    public static string Origin(string name, int version) => $"{name} version {version}";

    /// <summary>Records the promotion decision on the version's row (never the package: that is immutable).</summary>
    public async Task MarkAsync(string name, int version, string status, string reason, CancellationToken cancellationToken)
    {
        var patch = new TableEntity(name, RowKey(version)) { ["Status"] = status, ["Reason"] = reason, ["DecidedAt"] = clock.GetUtcNow() };
        await Versions.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks the version <paramref name="demotion"/> demoted, unless its row records a decision taken
    /// since (a promotion by hand brings a demoted version back). Safe to repeat: it is how a
    /// demotion whose last step was lost is repaired from its record.
    /// </summary>
    /// <returns>True when the row was changed.</returns>
    public async Task<bool> ApplyDemotionAsync(Demotion demotion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(demotion);
        NullableResponse<TableEntity> row = await Versions.GetEntityIfExistsAsync<TableEntity>(demotion.Name, RowKey(demotion.FromVersion), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value!.GetString("Status") == StatusDemoted || row.Value.GetDateTimeOffset("DecidedAt") > demotion.At)
        {
            return false;
        }

        var patch = new TableEntity(demotion.Name, RowKey(demotion.FromVersion)) { ["Status"] = StatusDemoted, ["Reason"] = demotion.Reason, ["DecidedAt"] = demotion.At };
        try
        {
            await Versions.UpdateEntityAsync(patch, row.Value.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false; // decided meanwhile (a promotion by hand, or this very repair by another instance)
        }
    }

    /// <summary>The earliest registered version trained from the same data with the same settings, if any (rows come in version order).</summary>
    public async Task<ModelVersion?> FindTrainedAsync(string name, string dataSha256, string settingsSha256, CancellationToken cancellationToken)
    {
        ValidateName(name);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {name} and DataSha256 eq {dataSha256} and SettingsSha256 eq {settingsSha256}");
        await foreach (TableEntity entity in Versions.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return FromEntity(entity);
        }

        return null;
    }

    /// <summary>
    /// Claims the right to queue the retrain of (<paramref name="name"/>, <paramref name="dataSha256"/>,
    /// <paramref name="settingsSha256"/>): true for exactly one caller however many race (a row
    /// written create-only), and again once a claim is older than <paramref name="lifetime"/> (its
    /// message may have been lost; the one that takes it over updates the row with its ETag).
    /// </summary>
    public async Task<bool> TryClaimRetrainAsync(string name, string dataSha256, string settingsSha256, TimeSpan lifetime, TimeSpan enqueueGrace, CancellationToken cancellationToken)
    {
        ValidateName(name);
        string rowKey = $"{ClaimPrefix}{dataSha256}-{settingsSha256}";
        DateTimeOffset now = clock.GetUtcNow();
        string claimId = Guid.NewGuid().ToString("N");
        var claim = new TableEntity(name, rowKey) { ["ClaimedAt"] = now, ["ClaimId"] = claimId };
        try
        {
            await Versions.AddEntityAsync(claim, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Claimed before: by another caller, or by this very insert, applied by the server
            // before the client saw an error and retried (the claim id tells).
        }

        NullableResponse<TableEntity> existing = await Versions.GetEntityIfExistsAsync<TableEntity>(name, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!existing.HasValue)
        {
            return false;
        }

        if (existing.Value!.GetString("ClaimId") == claimId)
        {
            return true;
        }

        // A claim whose message was never confirmed queued (the claimer died in between) is taken over
        // after a grace of minutes, not kept for the claim's whole lifetime.
        TimeSpan held = existing.Value.GetBoolean("Enqueued") == true ? lifetime : enqueueGrace;
        if (now - (existing.Value.GetDateTimeOffset("ClaimedAt") ?? DateTimeOffset.MinValue) < held)
        {
            return false;
        }

        try
        {
            await Versions.UpdateEntityAsync(claim, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    /// <summary>Records that the message of a claimed retrain is queued: the claim then holds for its whole lifetime.</summary>
    public async Task MarkClaimQueuedAsync(string name, string dataSha256, string settingsSha256, CancellationToken cancellationToken)
    {
        ValidateName(name);
        var patch = new TableEntity(name, $"{ClaimPrefix}{dataSha256}-{settingsSha256}") { ["Enqueued"] = true };
        await Versions.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The registered versions of <paramref name="name"/>, each marked <see cref="StatusUnavailable"/> when a file of its package is gone.</summary>
    public async Task<IReadOnlyList<ModelVersion>> ListWithPackagesAsync(string name, CancellationToken cancellationToken)
    {
        IReadOnlyList<ModelVersion> versions = await ListAsync(name, cancellationToken).ConfigureAwait(false);
        var files = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (BlobItem blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, name + "/", cancellationToken).ConfigureAwait(false))
            {
                files.Add(blob.Name);
            }
        }
        catch (RequestFailedException e) when (e.ErrorCode == "ContainerNotFound")
        {
            // No package was ever uploaded.
        }

        return versions.Select(v =>
        {
            string[] missing = [.. new[] { ModelPackage.ManifestFileName, ModelPackage.WeightsFileName }.Where(f => !files.Contains(Prefix(name, v.Version) + f))];
            return missing.Length == 0 ? v : v with { Status = StatusUnavailable, Reason = $"{string.Join(" and ", missing)} {(missing.Length == 1 ? "is" : "are")} missing: this version cannot be served" };
        }).ToArray();
    }

    /// <summary>
    /// Deletes package blobs older than <paramref name="olderThan"/> that a crash mid-registration
    /// left: blobs under a number the registry's counter has handed out but no row holds. Only the
    /// counter proves a number was allocated here: without it (a renamed or recreated table, a
    /// restore that lost it) nothing is deleted, and a number beyond it is not this registry's to judge.
    /// </summary>
    public async Task<int> DeleteOrphansAsync(string name, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        NullableResponse<TableEntity> counter = await Versions.GetEntityIfExistsAsync<TableEntity>(name, CounterRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!counter.HasValue || counter.Value!.GetInt32("Last") is not int allocated)
        {
            LogNoCounter(name, options.Value.ModelVersionsTable);
            return 0;
        }

        HashSet<int> registered = (await ListAsync(name, cancellationToken).ConfigureAwait(false)).Select(v => v.Version).ToHashSet();
        DateTimeOffset cutoff = clock.GetUtcNow() - olderThan;
        int deleted = 0;
        await foreach (BlobItem blob in Container.GetBlobsAsync(BlobTraits.None, BlobStates.None, name + "/", cancellationToken).ConfigureAwait(false))
        {
            string[] parts = blob.Name.Split('/');
            if (parts.Length == 3 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int version)
                && version <= allocated && !registered.Contains(version) && blob.Properties.LastModified < cutoff)
            {
                await Container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                deleted++;
            }
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No version counter for {Model} in table {Table}: no package blob is deleted as an orphan, since nothing proves it was allocated there")]
    private partial void LogNoCounter(string model, string table);

    private async Task<int> AllocateVersionAsync(string name, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            NullableResponse<TableEntity> counter = await Versions.GetEntityIfExistsAsync<TableEntity>(name, CounterRowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!counter.HasValue)
                {
                    await Versions.AddEntityAsync(new TableEntity(name, CounterRowKey) { ["Last"] = 1 }, cancellationToken).ConfigureAwait(false);
                    return 1;
                }

                int next = counter.Value!.GetInt32("Last")!.Value + 1;
                var updated = new TableEntity(name, CounterRowKey) { ["Last"] = next };
                // A single-entity update with the ETag: the concurrency check every Table Storage
                // implementation honours the same way.
                await Versions.UpdateEntityAsync(updated, counter.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return next;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another registration took this number; read the counter again.
                await Task.Delay(Random.Shared.Next(5, 20 + attempt * 10), cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"Could not allocate a version number for '{name}' after {MaxAttempts} attempts; too many registrations at once.");
    }

    private async Task UploadCreateOnlyAsync(string blobName, byte[] content, CancellationToken cancellationToken)
    {
        try
        {
            await Container.GetBlobClient(blobName).UploadAsync(new BinaryData(content), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Only a retry of this very registration can have written here (the number was ours alone).
            BlobDownloadResult existing = (await Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            if (Sha256(existing.Content.ToArray()) != Sha256(content))
            {
                throw new InvalidOperationException($"{blobName} already holds different content; a package is immutable once written.", e);
            }
        }
    }

    private async Task<byte[]> DownloadVerifiedAsync(string blobName, string expectedSha256, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = (await Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            throw new ModelPackageException($"{blobName} is missing; this version cannot be served.", e);
        }

        if (Sha256(content) != expectedSha256)
        {
            throw new ModelPackageException($"{blobName} does not match the SHA-256 its registry row recorded; this version cannot be served.");
        }

        return content;
    }

    public static string Prefix(string name, int version) => $"{name}/{RowKey(version)}/";

    private static string RowKey(int version) => version.ToString("000000", CultureInfo.InvariantCulture);

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static void ValidateName(string name)
    {
        if (!ModelKind.IsKnown(name))
        {
            throw new ArgumentException($"Unknown model '{name}'; the models are {string.Join(" and ", ModelKind.All.Select(m => $"'{m.Name}'"))}.", nameof(name));
        }
    }

    private static TableEntity ToEntity(ModelVersion v) => new(v.Name, RowKey(v.Version))
    {
        ["Status"] = v.Status,
        ["RegisteredAt"] = v.RegisteredAt,
        ["DataSha256"] = v.DataSha256,
        ["SettingsSha256"] = v.SettingsSha256,
        ["CodeVersion"] = v.CodeVersion,
        ["TestRmse"] = v.TestRmse,
        ["PersistenceRmse"] = v.PersistenceRmse,
        ["Accuracy"] = v.Accuracy,
        ["TrainSeconds"] = v.TrainSeconds,
        ["ManifestSha256"] = v.ManifestSha256,
        ["WeightsSha256"] = v.WeightsSha256,
        ["WeightsBytes"] = v.WeightsBytes,
        ["Reason"] = v.Reason,
    };

    private static ModelVersion FromEntity(TableEntity e) => new(
        e.PartitionKey,
        int.Parse(e.RowKey, CultureInfo.InvariantCulture),
        e.GetString("Status") ?? StatusRegistered,
        e.GetDateTimeOffset("RegisteredAt") ?? DateTimeOffset.MinValue,
        e.GetString("DataSha256"),
        e.GetString("SettingsSha256"),
        e.GetString("CodeVersion") ?? "unknown",
        e.GetDouble("TestRmse"),
        e.GetDouble("PersistenceRmse"),
        e.GetDouble("Accuracy"),
        e.GetDouble("TrainSeconds"),
        e.GetString("ManifestSha256") ?? "",
        e.GetString("WeightsSha256") ?? "",
        e.GetInt64("WeightsBytes") ?? 0,
        e.GetString("Reason"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered {Model} version {Version} (test RMSE {TestRmse}, accuracy {Accuracy})")]
    private partial void LogRegistered(string model, int version, double? testRmse, double? accuracy);
}
