using Azure.Storage.Queues;
using Microsoft.Extensions.Options;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// The retrain work queue. Messages are written base64-encoded (the client is configured so in
/// AddSunspotStorage), which is what the Functions queue trigger reads by default.
/// </summary>
public sealed class RetrainQueue(QueueServiceClient queues, IOptions<StorageOptions> options)
{
    private QueueClient Queue => queues.GetQueueClient(options.Value.RetrainQueue);

    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

    /// <summary>Sends <paramref name="request"/>; with <paramref name="delay"/> it stays invisible that long.</summary>
    public async Task EnqueueAsync(RetrainRequest request, CancellationToken cancellationToken, TimeSpan? delay = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        await Queue.SendMessageAsync(request.ToJson(), delay, timeToLive: null, cancellationToken).ConfigureAwait(false);
    }
}
