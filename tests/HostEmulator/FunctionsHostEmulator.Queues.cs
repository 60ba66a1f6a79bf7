using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using SunspotForecaster.HostEmulator.Rpc;

namespace SunspotForecaster.HostEmulator;

/// <summary>
/// The host's queue listener, one pass at a time: for each queue-triggered function, take up to
/// host.json's batchSize messages (hidden while they run), invoke the function with each one's
/// text and the host's trigger metadata, delete it on success, make it visible again after
/// host.json's visibilityTimeout on failure, and move it to <c>{queue}-poison</c> once it has
/// been dequeued maxDequeueCount times.
/// </summary>
internal sealed partial class FunctionsHostEmulator
{
    /// <summary>How long a message stays hidden while its invocation runs (the host's listener uses ten minutes and renews).</summary>
    private static readonly TimeSpan ProcessingVisibility = TimeSpan.FromMinutes(10);

    /// <summary>Takes and handles at most one batch of messages per queue-triggered function; returns what became of each.</summary>
    public async Task<IReadOnlyList<QueueDelivery>> ProcessQueueOnceAsync(CancellationToken cancellationToken = default)
    {
        List<QueueDelivery> deliveries = [];
        foreach (LoadedFunction function in Functions.Where(f => f.Is("queueTrigger")))
        {
            QueueClient queue = QueueFor(function);
            QueueMessage[] messages;
            try
            {
                messages = (await queue.ReceiveMessagesAsync(Host.Queues.BatchSize, ProcessingVisibility, cancellationToken)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                continue; // No queue yet: nothing to do, as for the host's listener.
            }

            foreach (QueueMessage message in messages)
            {
                deliveries.Add(await HandleAsync(function, queue, message, cancellationToken));
            }
        }

        return deliveries;
    }

    /// <summary>The queue <paramref name="function"/> listens to, on its connection, with host.json's message encoding.</summary>
    public QueueClient QueueFor(LoadedFunction function) => Queue(function, "");

    /// <summary>The host's poison queue for <paramref name="function"/>'s queue: its name with "-poison".</summary>
    public QueueClient PoisonQueueFor(LoadedFunction function) => Queue(function, "-poison");

    private QueueClient Queue(LoadedFunction function, string suffix)
    {
        ArgumentNullException.ThrowIfNull(function);
        string name = _options.Resolve(function.TriggerProperty("queueName") ?? throw new InvalidOperationException($"{function.Name} has no queueName."));
        return new QueueClient(Connection(function.TriggerProperty("connection")), name + suffix, new QueueClientOptions
        {
            MessageEncoding = Host.Queues.Base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None,
        });
    }

    private async Task<QueueDelivery> HandleAsync(LoadedFunction function, QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        int maxDequeueCount = Host.Queues.MaxDequeueCount;
        if (message.DequeueCount > maxDequeueCount)
        {
            // Taken more often than allowed without an answer (a crashed run): poison without running.
            await MoveToPoisonAsync(function, queue, message, cancellationToken);
            return new QueueDelivery(function.Name, queue.Name, message.MessageId, message.DequeueCount, QueueOutcome.Poisoned, null);
        }

        InvocationResult result = await InvokeAsync(function, QueueInput(message), QueueMetadata(queue, message), cancellationToken);
        if (result.Succeeded)
        {
            await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            return new QueueDelivery(function.Name, queue.Name, message.MessageId, message.DequeueCount, QueueOutcome.Completed, result);
        }

        if (message.DequeueCount >= maxDequeueCount)
        {
            await MoveToPoisonAsync(function, queue, message, cancellationToken);
            return new QueueDelivery(function.Name, queue.Name, message.MessageId, message.DequeueCount, QueueOutcome.Poisoned, result);
        }

        await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _options.QueueVisibilityTimeout ?? Host.Queues.VisibilityTimeout, cancellationToken: cancellationToken);
        return new QueueDelivery(function.Name, queue.Name, message.MessageId, message.DequeueCount, QueueOutcome.Released, result);
    }

    private async Task MoveToPoisonAsync(LoadedFunction function, QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        QueueClient poison = PoisonQueueFor(function);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
    }

    /// <summary>The message's text as the host passes a queue trigger's value: JSON when it is a JSON object or array, else a string.</summary>
    private static TypedData QueueInput(QueueMessage message)
    {
        string text = message.Body.ToString();
        return LooksLikeJson(text) ? new TypedData { Json = text } : new TypedData { String = text };
    }

    /// <summary>The queue trigger's binding data, as the host's queue extension provides it.</summary>
    private static Dictionary<string, TypedData> QueueMetadata(QueueClient queue, QueueMessage message) => new(StringComparer.Ordinal)
    {
        ["QueueTrigger"] = new TypedData { String = message.Body.ToString() },
        ["DequeueCount"] = new TypedData { Json = message.DequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ["Id"] = new TypedData { String = message.MessageId },
        ["PopReceipt"] = new TypedData { String = message.PopReceipt },
        ["InsertionTime"] = new TypedData { Json = JsonSerializer.Serialize(message.InsertedOn) },
        ["ExpirationTime"] = new TypedData { Json = JsonSerializer.Serialize(message.ExpiresOn) },
        ["NextVisibleTime"] = new TypedData { Json = JsonSerializer.Serialize(message.NextVisibleOn) },
        ["QueueName"] = new TypedData { String = queue.Name },
    };

    private static bool LooksLikeJson(string text)
    {
        string trimmed = text.TrimStart();
        if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '['))
        {
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>A storage connection string for the binding's <c>connection</c>, looked up as the host does (the name, then AzureWebJobs + name; AzureWebJobsStorage when empty).</summary>
    private string Connection(string? name)
    {
        string? value = string.IsNullOrEmpty(name)
            ? _options.Setting("AzureWebJobsStorage")
            : _options.Setting("AzureWebJobs" + name) ?? _options.Setting(name);
        return value ?? throw new InvalidOperationException(
            $"The queue connection '{name}' is not an app setting with a connection string (identity-based sections are not emulated).");
    }
}
