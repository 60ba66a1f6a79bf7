using System.Net;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SunspotForecaster.HostEmulator.Rpc;

namespace SunspotForecaster.HostEmulator;

/// <summary>
/// An emulated Azure Functions host for one dotnet-isolated worker: a gRPC server (Kestrel, HTTP/2,
/// 127.0.0.1, a free port) with the host's FunctionRpc service, the worker process started as the
/// host starts it, the start-up exchange (StartStream, WorkerInitRequest, FunctionsMetadataRequest,
/// a FunctionLoadRequest per function), and then the host's triggers: an HTTP front that routes
/// <c>/api/…</c> to the worker's ASP.NET Core server, timers fired on request, and one pass of the
/// queue listener at a time.
/// </summary>
internal sealed partial class FunctionsHostEmulator : IAsyncDisposable
{
    /// <summary>The largest gRPC message either side may send (the host passes int.MaxValue).</summary>
    public const int MaxMessageLength = int.MaxValue;

    private static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(10);

    private readonly EmulatorOptions _options;
    private readonly WorkerChannel _channel;
    private readonly WebApplication _grpc;
    private readonly List<InvocationResult> _invocations = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> _lastFired = new(StringComparer.Ordinal);
    private WorkerProcess? _worker;
    private WebApplication? _http;
    private HttpMessageInvoker? _toWorkerHttp;
    private int _stopped;

    private FunctionsHostEmulator(EmulatorOptions options, WebApplication grpc, WorkerChannel channel)
    {
        _options = options;
        _grpc = grpc;
        _channel = channel;
        Host = HostJson.Read(options.WorkerDirectory);
    }

    /// <summary>host.json as the emulator read it.</summary>
    public HostJson Host { get; }

    /// <summary>The address of the host's gRPC server, as passed to the worker.</summary>
    public Uri GrpcUri { get; private set; } = null!;

    /// <summary>The worker's WorkerInitResponse (its capabilities, its metadata).</summary>
    public WorkerInitResponse Init { get; private set; } = null!;

    /// <summary>The functions the worker indexed and loaded, in its order.</summary>
    public IReadOnlyList<LoadedFunction> Functions { get; private set; } = [];

    /// <summary>The worker's ASP.NET Core server, from its <c>HttpUri</c> capability.</summary>
    public Uri WorkerHttpUri { get; private set; } = null!;

    /// <summary>The emulated host's HTTP front (http://127.0.0.1:port/); <c>/api/…</c> reaches the functions.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The worker's process id once it has started.</summary>
    public int? WorkerProcessId => _worker?.Id;

    /// <summary>Every RpcLog the worker sent so far.</summary>
    public IReadOnlyCollection<WorkerLog> Logs => _channel.Logs;

    /// <summary>The worker's console output (last lines).</summary>
    public string WorkerOutput => _worker?.Output.ToString() ?? "";

    /// <summary>Every invocation that finished, in the order the answers came.</summary>
    public IReadOnlyList<InvocationResult> Invocations
    {
        get
        {
            lock (_invocations)
            {
                return [.. _invocations];
            }
        }
    }

    /// <summary>After <see cref="StopAsync"/>: whether the worker exited by itself within the grace period its WorkerTerminate gave it.</summary>
    public bool? ExitedWithinGrace { get; private set; }

    /// <summary>The worker's exit code once it has exited.</summary>
    public Task<int> WorkerExited => _worker?.Exited ?? Task.FromResult(0);

    /// <summary>A client for the HTTP front (routes as <c>api/health</c>); the caller disposes it.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress };

    /// <summary>Starts the gRPC server and the worker and waits until every function is loaded and the HTTP front listens.</summary>
    public static async Task<FunctionsHostEmulator> StartAsync(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var channel = new WorkerChannel(Guid.NewGuid().ToString(), options.OnLog);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = MaxMessageLength;
            grpc.MaxSendMessageSize = MaxMessageLength;
        });
        builder.Services.AddSingleton(channel);
        WebApplication grpcApp = builder.Build();
        grpcApp.MapGrpcService<FunctionRpcService>();

        var emulator = new FunctionsHostEmulator(options, grpcApp, channel);
        try
        {
            await grpcApp.StartAsync();
            emulator.GrpcUri = ListeningAddress(grpcApp);
            await emulator.StartWorkerAsync();
            await emulator.StartHttpFrontAsync();
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>The function named <paramref name="name"/>.</summary>
    public LoadedFunction Function(string name) =>
        Functions.SingleOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal))
        ?? throw new ArgumentException($"The worker loaded no function {name}; it has {string.Join(", ", Functions.Select(f => f.Name))}.", nameof(name));

    /// <summary>
    /// Fires the timer function <paramref name="name"/> now, with the payload the host's timer
    /// trigger sends (a TimerInfo as JSON: schedule, schedule status, past due).
    /// </summary>
    public Task<InvocationResult> InvokeTimerAsync(string name, bool isPastDue = false, CancellationToken cancellationToken = default)
    {
        LoadedFunction function = Function(name);
        if (!function.Is("timerTrigger"))
        {
            throw new ArgumentException($"{name} is a {function.TriggerType} function, not a timer.", nameof(name));
        }

        DateTime now = DateTime.UtcNow;
        string timer = JsonSerializer.Serialize(new
        {
            Schedule = new { AdjustForDST = true },
            ScheduleStatus = new { Last = _lastFired.TryGetValue(name, out DateTime last) ? last : DateTime.MinValue, Next = now, LastUpdated = now },
            IsPastDue = isPastDue,
        });
        _lastFired[name] = now;
        return InvokeAsync(function, new TypedData { Json = timer }, new Dictionary<string, TypedData>(), cancellationToken);
    }

    /// <summary>Sends one invocation of <paramref name="function"/> with <paramref name="trigger"/> as its trigger input and waits for the worker's answer.</summary>
    public Task<InvocationResult> InvokeAsync(LoadedFunction function, TypedData trigger, IDictionary<string, TypedData> triggerMetadata, CancellationToken cancellationToken = default) =>
        InvokeAsync(function, trigger, triggerMetadata, Guid.NewGuid().ToString(), cancellationToken);

    private async Task<InvocationResult> InvokeAsync(LoadedFunction function, TypedData trigger, IDictionary<string, TypedData> triggerMetadata, string invocationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = $"00-{Guid.NewGuid():N}-{Guid.NewGuid().ToString("N")[..16]}-00", TraceState = "" },
            RetryContext = new RetryContext(),
        };
        request.InputData.Add(new ParameterBinding { Name = function.TriggerName, Data = trigger });
        triggerMetadata.Add("sys", new TypedData
        {
            Json = JsonSerializer.Serialize(new { MethodName = function.Name, UtcNow = DateTime.UtcNow, RandGuid = Guid.NewGuid() }),
        });
        request.TriggerMetadata.Add(triggerMetadata);

        string key = WorkerChannel.InvocationKey(invocationId);
        Task<StreamingMessage> answer = _channel.RequestAsync(key, new StreamingMessage { InvocationRequest = request });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.InvocationTimeout ?? Host.FunctionTimeout);
        StreamingMessage message;
        try
        {
            message = await answer.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // As the host does on a timeout or an aborted request: ask the worker to cancel, and
            // give it a moment to answer Cancelled.
            _channel.Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocationId } });
            try
            {
                message = await answer.WaitAsync(TerminateGrace, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                _channel.Fail(key, new TimeoutException($"Invocation {invocationId} of {function.Name} did not answer its cancellation."));
                throw;
            }
        }

        InvocationResponse response = message.InvocationResponse;
        var result = new InvocationResult(function.Name, invocationId, response.Result?.Status ?? StatusResult.Types.Status.Failure,
            response.Result?.Exception is { } exception ? $"{exception.Type}: {exception.Message}" : null, response.ReturnValue);
        lock (_invocations)
        {
            _invocations.Add(result);
        }

        return result;
    }

    /// <summary>
    /// Stops as the host stops a worker: WorkerTerminate with a grace period, then waits for the
    /// process to exit (killing it when it does not), then stops the servers.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (_worker is not null)
        {
            if (_channel.Connected.IsCompleted && !_worker.Exited.IsCompleted)
            {
                _channel.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TerminateGrace) } });
            }

            ExitedWithinGrace = await Task.WhenAny(_worker.Exited, Task.Delay(TerminateGrace)) == _worker.Exited;
            await _worker.WaitForExitOrKillAsync(TerminateGrace * 2);
        }

        _channel.Close(new ObjectDisposedException(nameof(FunctionsHostEmulator), "The emulated host has stopped."));
        if (_http is not null)
        {
            await _http.StopAsync();
            await _http.DisposeAsync();
        }

        await _grpc.StopAsync();
        await _grpc.DisposeAsync();
        _toWorkerHttp?.Dispose();
        _worker?.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartWorkerAsync()
    {
        _worker = WorkerProcess.Start(_options, GrpcUri, _channel.WorkerId, Guid.NewGuid().ToString(), MaxMessageLength);
        using var startTimeout = new CancellationTokenSource(_options.StartTimeout);
        await WhileWorkerRunsAsync(_channel.Connected, "the worker's StartStream", startTimeout.Token);

        var init = new WorkerInitRequest
        {
            HostVersion = "4.0.0-sunspot-emulator",
            WorkerDirectory = _options.WorkerDirectory,
            FunctionAppDirectory = _options.WorkerDirectory,
        };
        Init = (await WhileWorkerRunsAsync(_channel.RequestAsync(WorkerChannel.InitKey, new StreamingMessage { RequestId = NewId(), WorkerInitRequest = init }), "WorkerInitResponse", startTimeout.Token)).WorkerInitResponse;
        Succeeded(Init.Result, "WorkerInitRequest");
        WorkerHttpUri = Init.Capabilities.TryGetValue("HttpUri", out string? httpUri) && Uri.TryCreate(httpUri, UriKind.Absolute, out Uri? uri)
            ? uri
            : throw new InvalidOperationException($"The worker reported no HttpUri capability (the ASP.NET Core integration's server); it reported {Init.Capabilities}.{Describe()}");

        FunctionMetadataResponse metadata = (await WhileWorkerRunsAsync(
            _channel.RequestAsync(WorkerChannel.MetadataKey, new StreamingMessage { RequestId = NewId(), FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _options.WorkerDirectory } }),
            "FunctionMetadataResponse", startTimeout.Token)).FunctionMetadataResponse;
        Succeeded(metadata.Result, "FunctionsMetadataRequest");
        if (metadata.UseDefaultMetadataIndexing)
        {
            throw new InvalidOperationException("The worker asked the host to index the functions itself (use_default_metadata_indexing); the emulator only takes the worker's own metadata.");
        }

        List<LoadedFunction> functions = [];
        foreach (RpcFunctionMetadata function in metadata.FunctionMetadataResults)
        {
            if (function.Status is not null)
            {
                Succeeded(function.Status, $"indexing {function.Name}"); // The worker sets it only when indexing that function failed.
            }

            var load = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function };
            FunctionLoadResponse loaded = (await WhileWorkerRunsAsync(
                _channel.RequestAsync(WorkerChannel.LoadKey(function.FunctionId), new StreamingMessage { RequestId = NewId(), FunctionLoadRequest = load }),
                $"FunctionLoadResponse of {function.Name}", startTimeout.Token)).FunctionLoadResponse;
            Succeeded(loaded.Result, $"FunctionLoadRequest of {function.Name}");
            functions.Add(LoadedFunction.From(function));
        }

        Functions = functions;

        // The worker reports its HttpUri before its ASP.NET Core server listens; the host's proxy
        // retries a refused connection, so the emulator waits until the port accepts one.
        await WhileWorkerRunsAsync(WorkerListensAsync(startTimeout.Token), "the worker's HTTP server to listen", startTimeout.Token);
    }

    private async Task WorkerListensAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(WorkerHttpUri.Host, WorkerHttpUri.Port, cancellationToken);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    /// <summary>Waits for <paramref name="task"/>, failing with the worker's output when the worker exits first or time runs out.</summary>
    private async Task WhileWorkerRunsAsync(Task task, string what, CancellationToken timeout)
    {
        Task done = await Task.WhenAny(task, _worker!.Exited, Task.Delay(Timeout.Infinite, timeout));
        if (done == task)
        {
            await task;
            return;
        }

        string reason = done == _worker.Exited ? $"the worker exited with code {await _worker.Exited}" : $"it did not come within {_options.StartTimeout.TotalSeconds:0} s";
        throw new InvalidOperationException($"Waiting for {what}: {reason}.{Describe()}");
    }

    private async Task<T> WhileWorkerRunsAsync<T>(Task<T> task, string what, CancellationToken timeout)
    {
        await WhileWorkerRunsAsync((Task)task, what, timeout);
        return await task;
    }

    private void Succeeded(StatusResult? result, string what)
    {
        if (result?.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker answered {what} with {result?.Status.ToString() ?? "no status"}: {result?.Exception?.Message}{Describe()}");
        }
    }

    /// <summary>The worker's output and RpcLogs, for error messages.</summary>
    private string Describe()
    {
        string logs = string.Join(Environment.NewLine, _channel.Logs.TakeLast(40));
        return (logs.Length == 0 ? "" : $"{Environment.NewLine}Worker logs (last):{Environment.NewLine}{logs}") + (_worker?.Output.Describe() ?? "");
    }

    private static string NewId() => Guid.NewGuid().ToString();

    private static Uri ListeningAddress(WebApplication app)
    {
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address.EndsWith('/') ? address : address + "/", UriKind.Absolute);
    }
}
