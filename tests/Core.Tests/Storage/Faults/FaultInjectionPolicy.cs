using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace SunspotForecaster.Core.Tests.Storage.Faults;

/// <summary>What an injected fault looks like to the client.</summary>
public enum Fault
{
    /// <summary>A synthetic 503 Server Busy answer (the SDK retries it).</summary>
    ServerBusy503,

    /// <summary>A synthetic 500 Internal Error answer (the SDK retries it).</summary>
    InternalError500,

    /// <summary>An <see cref="System.IO.IOException"/>, as a dropped connection (the SDK retries it).</summary>
    IOException,

    /// <summary>A <see cref="CrashException"/>: the process "dies" here; nothing retries it.</summary>
    Crash,
}

/// <summary>Whether the server saw the request before the fault.</summary>
public enum FaultTiming
{
    /// <summary>The request never left: the server saw nothing.</summary>
    BeforeSend,

    /// <summary>The server applied the request, but the client sees a failure (the hard case).</summary>
    AfterSend,
}

/// <summary>
/// Stands for the process dying at this point. Neither an <see cref="System.IO.IOException"/> nor a
/// <see cref="RequestFailedException"/>, so no SDK retry and no product catch clause handles it.
/// </summary>
public sealed class CrashException(string message) : Exception(message);

/// <summary>
/// Fails requests on their way through an Azure SDK pipeline (add it at
/// <see cref="HttpPipelinePosition.PerRetry"/> so the SDK's own retries meet the faults too):
/// a seeded random share of all requests, before or after they reach the server, and scheduled
/// faults at the Nth request whose method and path match (a crash, say, right after the server
/// applied a write). Azurite never throttles or fails on its own; this makes it.
/// </summary>
public sealed class FaultInjectionPolicy(int seed) : HttpPipelinePolicy
{
    private static readonly Fault[] RandomFaults = [Fault.ServerBusy503, Fault.InternalError500, Fault.IOException];

    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();
    private readonly List<Scheduled> _scheduled = [];
    private readonly Dictionary<(Fault, FaultTiming), int> _injected = [];
    private int _requests;

    /// <summary>The share (0..1) of requests that fail at random; 0 injects only scheduled faults.</summary>
    public double Rate { get; set; }

    /// <summary>Of the random faults, the share injected after the server applied the request.</summary>
    public double AfterSendShare { get; set; } = 0.5;

    /// <summary>Requests that may fail at random (all by default).</summary>
    public Func<Request, bool> Eligible { get; set; } = _ => true;

    /// <summary>Requests that went through this policy (every attempt, retries included).</summary>
    public int Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests;
            }
        }
    }

    /// <summary>All faults injected so far, scheduled ones included.</summary>
    public int Injected => Count(_ => true);

    public int InjectedBeforeSend => Count(k => k.Timing == FaultTiming.BeforeSend);

    public int InjectedAfterSend => Count(k => k.Timing == FaultTiming.AfterSend);

    public int Crashes => Count(k => k.Fault == Fault.Crash);

    /// <summary>The requests that failed, in order: "AfterSend InternalError500 PUT /devstoreaccount1/…".</summary>
    public List<string> Log { get; } = [];

    /// <summary>
    /// Injects <paramref name="fault"/> at the <paramref name="occurrence"/>th request (from now)
    /// whose method is <paramref name="method"/> and whose unescaped path contains
    /// <paramref name="pathFragment"/>; once.
    /// </summary>
    public void Schedule(string method, string pathFragment, Fault fault, FaultTiming timing, int occurrence = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(occurrence, 1);
        lock (_gate)
        {
            _scheduled.Add(new Scheduled(method, pathFragment, fault, timing, occurrence));
        }
    }

    /// <summary>Scheduled faults that have not fired yet.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _scheduled.Count(s => !s.Fired);
            }
        }
    }

    /// <summary>"312 requests, 91 faults injected (47 before send, 44 after; 503: 30, 500: 31, IOException: 30)".</summary>
    public string Summary() =>
        $"{Requests} requests, {Injected} faults injected ({InjectedBeforeSend} before send, {InjectedAfterSend} after; " +
        $"503: {Count(k => k.Fault == Fault.ServerBusy503)}, 500: {Count(k => k.Fault == Fault.InternalError500)}, " +
        $"IOException: {Count(k => k.Fault == Fault.IOException)}, crash: {Crashes})";

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: false).AsTask().GetAwaiter().GetResult();

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline, async: true);

    private async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline, bool async)
    {
        (Fault Fault, FaultTiming Timing)? fault = Decide(message.Request);
        if (fault is (var before, FaultTiming.BeforeSend))
        {
            Inject(message, before, FaultTiming.BeforeSend);
            return;
        }

        if (async)
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        else
        {
            ProcessNext(message, pipeline);
        }

        if (fault is (var after, FaultTiming.AfterSend))
        {
            // The server has applied the request; the client is told it failed.
            message.Response.Dispose();
            Inject(message, after, FaultTiming.AfterSend);
        }
    }

    private (Fault, FaultTiming)? Decide(Request request)
    {
        string method = request.Method.Method;
        string path = Uri.UnescapeDataString(request.Uri.ToUri().AbsolutePath);
        lock (_gate)
        {
            _requests++;
            foreach (Scheduled scheduled in _scheduled)
            {
                if (!scheduled.Fired && string.Equals(scheduled.Method, method, StringComparison.OrdinalIgnoreCase)
                    && path.Contains(scheduled.PathFragment, StringComparison.Ordinal) && ++scheduled.Seen == scheduled.Occurrence)
                {
                    scheduled.Fired = true;
                    return Record(scheduled.Fault, scheduled.Timing, method, path);
                }
            }

            if (Rate > 0 && Eligible(request) && _random.NextDouble() < Rate)
            {
                Fault fault = RandomFaults[_random.Next(RandomFaults.Length)];
                FaultTiming timing = _random.NextDouble() < AfterSendShare ? FaultTiming.AfterSend : FaultTiming.BeforeSend;
                return Record(fault, timing, method, path);
            }

            return null;
        }
    }

    private (Fault, FaultTiming) Record(Fault fault, FaultTiming timing, string method, string path)
    {
        _injected[(fault, timing)] = _injected.GetValueOrDefault((fault, timing)) + 1;
        Log.Add($"{timing} {fault} {method} {path}");
        return (fault, timing);
    }

    private int Count(Func<(Fault Fault, FaultTiming Timing), bool> predicate)
    {
        lock (_gate)
        {
            return _injected.Where(pair => predicate(pair.Key)).Sum(pair => pair.Value);
        }
    }

    [DoesNotReturn]
    private static void Throw(Exception exception) => throw exception;

    private static void Inject(HttpMessage message, Fault fault, FaultTiming timing)
    {
        string what = $"{message.Request.Method} {message.Request.Uri.ToUri().AbsolutePath} ({timing})";
        switch (fault)
        {
            case Fault.ServerBusy503:
                message.Response = new SyntheticResponse(503, "Server Busy", "ServerBusy", message.Request.ClientRequestId);
                break;
            case Fault.InternalError500:
                message.Response = new SyntheticResponse(500, "Internal Server Error", "InternalError", message.Request.ClientRequestId);
                break;
            case Fault.IOException:
                Throw(new IOException($"Injected connection reset: {what}."));
                break;
            case Fault.Crash:
                Throw(new CrashException($"Injected crash: {what}."));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(fault), fault, null);
        }
    }

    private sealed class Scheduled(string method, string pathFragment, Fault fault, FaultTiming timing, int occurrence)
    {
        public string Method { get; } = method;

        public string PathFragment { get; } = pathFragment;

        public Fault Fault { get; } = fault;

        public FaultTiming Timing { get; } = timing;

        public int Occurrence { get; } = occurrence;

        public int Seen { get; set; }

        public bool Fired { get; set; }
    }

    /// <summary>An answer the server never gave: a status, a storage error code and an empty body.</summary>
    private sealed class SyntheticResponse(int status, string reasonPhrase, string errorCode, string clientRequestId) : Response
    {
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase)
        {
            ["x-ms-error-code"] = errorCode,
            ["x-ms-request-id"] = Guid.NewGuid().ToString(),
            ["Content-Length"] = "0",
        };

        public override int Status => status;

        public override string ReasonPhrase => reasonPhrase;

        // The transport classifies real answers; the retry policy retries only answers marked as errors.
        public override bool IsError => true;

        public override Stream? ContentStream { get; set; } = new MemoryStream(Encoding.UTF8.GetBytes(""));

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose() => ContentStream?.Dispose();

        protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = _headers.TryGetValue(name, out string? value) ? [value] : null;
            return values is not null;
        }
    }
}
