using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using SunspotForecaster.HostEmulator.Rpc;
using MessageKind = SunspotForecaster.HostEmulator.Rpc.StreamingMessage.ContentOneofCase;

namespace SunspotForecaster.HostEmulator;

/// <summary>
/// The host's end of one worker's event stream: messages to the worker wait in an outbound queue
/// until the stream is open; each request the host sends is answered by the worker's response
/// with the same key (the init and metadata responses, a load response per function id, an
/// invocation response per invocation id). Logs are kept.
/// </summary>
internal sealed class WorkerChannel(string workerId, Action<WorkerLog>? onLog = null)
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<WorkerLog> _logs = new();
    private readonly ConcurrentQueue<string> _unexpected = new();

    public string WorkerId => workerId;

    /// <summary>Completes when the worker has opened the stream with its StartStream.</summary>
    public Task Connected => _connected.Task;

    public IReadOnlyCollection<WorkerLog> Logs => _logs;

    /// <summary>Messages the worker sent that answered nothing the host asked (for diagnosis).</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    /// <summary>Serves one EventStream call: checks the worker's StartStream, then pumps both ways until either side ends.</summary>
    public async Task ServeAsync(IAsyncStreamReader<StreamingMessage> fromWorker, IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
    {
        if (!await fromWorker.MoveNext(cancellationToken))
        {
            return;
        }

        StreamingMessage first = fromWorker.Current;
        if (first.ContentCase != MessageKind.StartStream || first.StartStream.WorkerId != workerId)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, $"Expected StartStream from worker {workerId}; got {first.ContentCase} ({first.StartStream?.WorkerId})."));
        }

        if (!_connected.TrySetResult())
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.AlreadyExists, $"Worker {workerId} has a stream already."));
        }

        using var ending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task writer = WriteAsync(toWorker, ending.Token);
        try
        {
            while (await fromWorker.MoveNext(cancellationToken))
            {
                Receive(fromWorker.Current);
            }
        }
        finally
        {
            await ending.CancelAsync();
            try
            {
                await writer;
            }
            catch (OperationCanceledException)
            {
                // The stream ended: nothing more goes to the worker.
            }
        }
    }

    /// <summary>Sends <paramref name="message"/>; the returned task completes with the worker's answer under <paramref name="key"/>.</summary>
    public Task<StreamingMessage> RequestAsync(string key, StreamingMessage message)
    {
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, answer))
        {
            throw new InvalidOperationException($"A request with key {key} is waiting already.");
        }

        Send(message);
        return answer.Task;
    }

    /// <summary>Sends <paramref name="message"/> and expects no answer.</summary>
    public void Send(StreamingMessage message)
    {
        if (!_outbound.Writer.TryWrite(message))
        {
            throw new InvalidOperationException("The stream to the worker is closed.");
        }
    }

    /// <summary>Gives up on a request (the worker exited, or the emulator stops): its waiter gets <paramref name="error"/>.</summary>
    public void Fail(string key, Exception error)
    {
        if (_pending.TryRemove(key, out TaskCompletionSource<StreamingMessage>? answer))
        {
            answer.TrySetException(error);
        }
    }

    /// <summary>Fails every waiting request and closes the outbound queue.</summary>
    public void Close(Exception error)
    {
        _outbound.Writer.TryComplete();
        foreach (string key in _pending.Keys)
        {
            Fail(key, error);
        }
    }

    public static string InitKey => "init";

    public static string MetadataKey => "metadata";

    public static string LoadKey(string functionId) => "load:" + functionId;

    public static string InvocationKey(string invocationId) => "invocation:" + invocationId;

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> toWorker, CancellationToken cancellationToken)
    {
        await foreach (StreamingMessage message in _outbound.Reader.ReadAllAsync(cancellationToken))
        {
            await toWorker.WriteAsync(message, cancellationToken);
        }
    }

    private void Receive(StreamingMessage message)
    {
        string? key = message.ContentCase switch
        {
            MessageKind.WorkerInitResponse => InitKey,
            MessageKind.FunctionMetadataResponse => MetadataKey,
            MessageKind.FunctionLoadResponse => LoadKey(message.FunctionLoadResponse.FunctionId),
            MessageKind.InvocationResponse => InvocationKey(message.InvocationResponse.InvocationId),
            _ => null,
        };
        if (message.ContentCase == MessageKind.RpcLog)
        {
            RpcLog log = message.RpcLog;
            var entry = new WorkerLog(log.Level, log.LogCategory, log.Category, log.Message, log.InvocationId, log.Exception?.Message);
            _logs.Enqueue(entry);
            onLog?.Invoke(entry);
        }
        else if (key is not null && _pending.TryRemove(key, out TaskCompletionSource<StreamingMessage>? answer))
        {
            answer.TrySetResult(message);
        }
        else
        {
            _unexpected.Enqueue($"{message.ContentCase}: {message}");
        }
    }
}

/// <summary>One RpcLog the worker sent.</summary>
internal sealed record WorkerLog(RpcLog.Types.Level Level, RpcLog.Types.RpcLogCategory Kind, string Category, string Message, string InvocationId, string? Exception)
{
    public override string ToString() => $"[{Level}] {Category}: {Message}{(Exception is null ? "" : " " + Exception)}";
}

/// <summary>The host's gRPC service: every EventStream call is the one worker's stream.</summary>
internal sealed class FunctionRpcService(WorkerChannel channel) : FunctionRpc.FunctionRpcBase
{
    public override Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context) =>
        channel.ServeAsync(requestStream, responseStream, context.CancellationToken);
}
