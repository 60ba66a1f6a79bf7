using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// Only one trainer per model at a time, across every instance: a blob lease on
/// <c>models/{name}/trainer.lock</c> (60 s by default), renewed three times per period while
/// training, released when done. A crashed trainer stops renewing, so the lease expires within a
/// period instead of wedging. A renewal that fails means another trainer may hold the lease now:
/// <see cref="Lost"/> is cancelled, and the work must stop and not register.
/// </summary>
public sealed class TrainerLease : IAsyncDisposable
{
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(60);
    private const string StartedMetadata = "startedat";

    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _renewing;

    private TrainerLease(BlobLeaseClient lease, TimeSpan renewEvery)
    {
        _lease = lease;
        _renewing = RenewAsync(renewEvery, _stop.Token);
    }

    /// <summary>Cancelled when a renewal (or the first write under the lease) failed: the lease may have passed to another trainer.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Why the lease was lost, when it was.</summary>
    public Exception? RenewalFailure { get; private set; }

    /// <summary>
    /// Takes the lease for <paramref name="duration"/> (15 to 60 s) and records when this trainer
    /// started, or returns null when another trainer holds it. The lease is renewed every third of
    /// its duration (or every <paramref name="renewEvery"/>).
    /// </summary>
    public static async Task<TrainerLease?> TryAcquireAsync(BlobServiceClient blobs, IOptions<StorageOptions> options, string name, TimeSpan duration, TimeProvider clock, CancellationToken cancellationToken, TimeSpan? renewEvery = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        BlobClient blob = LockBlob(blobs, options, name);
        try
        {
            await blob.UploadAsync(BinaryData.FromString("one trainer at a time"), new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The lock blob exists already (possibly leased right now).
        }

        BlobLeaseClient lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(duration, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }

        var held = new TrainerLease(lease, renewEvery ?? duration / 3);
        try
        {
            await blob.SetMetadataAsync(
                new Dictionary<string, string> { [StartedMetadata] = clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) },
                new BlobRequestConditions { LeaseId = lease.LeaseId },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Broken or taken between acquiring and writing: lost before any work began.
            await held.LoseAsync(e).ConfigureAwait(false);
        }
        catch
        {
            await held.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return held;
    }

    /// <summary>When the trainer holding <paramref name="name"/>'s lease started, if it said so.</summary>
    public static async Task<DateTimeOffset?> HolderStartedAtAsync(BlobServiceClient blobs, IOptions<StorageOptions> options, string name, CancellationToken cancellationToken)
    {
        try
        {
            BlobProperties properties = (await LockBlob(blobs, options, name).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return properties.Metadata.TryGetValue(StartedMetadata, out string? text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset started)
                ? started : null;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Renews the lease now: true proves that no other trainer has held it since this one took it
    /// (a lease taken by another since cannot be renewed), and that none can take it for a full
    /// period from now. Checked right before registering, so that a trainer stalled past its
    /// lease (a long pause, a lost network) does not register work another trainer may be doing.
    /// </summary>
    public async Task<bool> ConfirmAsync(CancellationToken cancellationToken)
    {
        if (_lost.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            await _lease.RenewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or IOException or HttpRequestException)
        {
            await LoseAsync(e).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Stops renewing and releases the lease; whatever went wrong, it never throws: an unreleased lease expires by itself.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _renewing.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // RenewAsync records its failures; nothing here may keep the lease from being released.
        }

        try
        {
            await _lease.ReleaseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or IOException or HttpRequestException or OperationCanceledException)
        {
            // Lost, expired or unreachable: the lease then expires by itself within its period.
        }

        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task LoseAsync(Exception why)
    {
        RenewalFailure = why;
        await _lost.CancelAsync().ConfigureAwait(false);
    }

    private static BlobClient LockBlob(BlobServiceClient blobs, IOptions<StorageOptions> options, string name)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        return blobs.GetBlobContainerClient(options.Value.ModelsContainer).GetBlobClient($"{name}/trainer.lock");
    }

    private async Task RenewAsync(TimeSpan every, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
        {
            try
            {
                await _lease.RenewAsync(cancellationToken: stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Refused (409: broken or taken), unreachable after retries (AggregateException,
                // IOException): either way this trainer can no longer be sure it is the only one.
                await LoseAsync(e).ConfigureAwait(false);
                return;
            }
        }
    }
}
