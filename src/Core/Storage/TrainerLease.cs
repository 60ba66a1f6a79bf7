using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// Only one trainer per model at a time, across every instance: a 60-second blob lease on
/// <c>models/{name}/trainer.lock</c>, renewed every 20 seconds while training, released when done.
/// A crashed trainer stops renewing, so the lease expires within a minute instead of wedging.
/// </summary>
public sealed class TrainerLease : IAsyncDisposable
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    private readonly BlobLeaseClient _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;

    private TrainerLease(BlobLeaseClient lease, TimeSpan renewEvery)
    {
        _lease = lease;
        _renewing = RenewAsync(renewEvery, _stop.Token);
    }

    /// <summary>Set when a renewal failed: the lease may have been lost, so the work should stop.</summary>
    public Exception? RenewalFailure { get; private set; }

    /// <summary>Takes the lease, or returns null when another trainer holds it.</summary>
    public static async Task<TrainerLease?> TryAcquireAsync(BlobServiceClient blobs, IOptions<StorageOptions> options, string name, CancellationToken cancellationToken, TimeSpan? renewEvery = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        BlobClient blob = blobs.GetBlobContainerClient(options.Value.ModelsContainer).GetBlobClient($"{name}/trainer.lock");
        try
        {
            await blob.UploadAsync(BinaryData.FromString("one trainer at a time"), new Azure.Storage.Blobs.Models.BlobUploadOptions
            {
                Conditions = new Azure.Storage.Blobs.Models.BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // The lock blob exists already (possibly leased right now).
        }

        BlobLeaseClient lease = blob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(Duration, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return null;
        }

        return new TrainerLease(lease, renewEvery ?? RenewEvery);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _renewing.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            await _lease.ReleaseAsync().ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // Lost or expired already: nothing to release.
        }

        _stop.Dispose();
    }

    private async Task RenewAsync(TimeSpan every, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(every);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await _lease.RenewAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e)
            {
                RenewalFailure = e;
                return;
            }
        }
    }
}
