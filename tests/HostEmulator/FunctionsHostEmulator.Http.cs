using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using SunspotForecaster.HostEmulator.Rpc;

namespace SunspotForecaster.HostEmulator;

/// <summary>
/// The host's HTTP side with the worker's ASP.NET Core integration (HTTP proxying): the host
/// matches the request to a function's route, sends the InvocationRequest with an empty RpcHttp
/// as the trigger input (the request itself does not travel over gRPC), and forwards the real
/// request to the worker's HttpUri with the invocation id in <c>x-ms-invocation-id</c>; the
/// worker's answer is the host's answer.
/// </summary>
internal sealed partial class FunctionsHostEmulator
{
    /// <summary>The header the worker's ASP.NET Core integration pairs a request with its invocation by.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private async Task StartHttpFrontAsync()
    {
        _toWorkerHttp = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        });

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, _options.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Limits.MaxRequestBodySize = null;
        });
        WebApplication app = builder.Build();
        foreach (LoadedFunction function in Functions.Where(f => f.Is("httpTrigger")))
        {
            string route = function.TriggerProperty("route") ?? function.Name;
            string pattern = Host.RoutePrefix.Length == 0 ? route : $"{Host.RoutePrefix}/{route}";
            string[] methods = function.Trigger.TryGetProperty("methods", out System.Text.Json.JsonElement list) && list.ValueKind == System.Text.Json.JsonValueKind.Array
                ? [.. list.EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant())]
                : [];
            RequestDelegate handler = context => ForwardAsync(function, context);
            IEndpointConventionBuilder endpoint = methods.Length == 0 ? app.Map(pattern, handler) : app.MapMethods(pattern, methods, handler);
            endpoint.WithDisplayName(function.Name);
        }

        await app.StartAsync();
        _http = app;
        BaseAddress = ListeningAddress(app);
    }

    private async Task ForwardAsync(LoadedFunction function, HttpContext context)
    {
        if (!Authorized(function, context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        // Route values go to the worker as trigger metadata, from which it binds parameters such as {name}.
        var metadata = new Dictionary<string, TypedData>(StringComparer.Ordinal);
        foreach ((string key, object? value) in context.Request.RouteValues)
        {
            if (value is not null)
            {
                metadata[key] = new TypedData { String = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) };
            }
        }

        string invocationId = Guid.NewGuid().ToString();
        using var aborted = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        Task<InvocationResult> invocation = InvokeAsync(function, new TypedData { Http = new RpcHttp() }, metadata, invocationId, aborted.Token);

        using HttpRequestMessage forward = ForwardedRequest(context.Request, invocationId);
        HttpResponseMessage response;
        try
        {
            response = await _toWorkerHttp!.SendAsync(forward, context.RequestAborted);
        }
        catch (HttpRequestException e)
        {
            await aborted.CancelAsync();
            await IgnoreFailureAsync(invocation);
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            await context.Response.WriteAsync($"The worker's HTTP server did not answer: {e.Message}");
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach ((string name, IEnumerable<string> values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }

        await invocation;
    }

    private HttpRequestMessage ForwardedRequest(HttpRequest request, string invocationId)
    {
        var target = new Uri(WorkerHttpUri, request.PathBase.Add(request.Path).ToUriComponent().TrimStart('/') + request.QueryString.ToUriComponent());
        var forward = new HttpRequestMessage(new HttpMethod(request.Method), target);
        bool hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0 || request.ContentType is not null;
        if (hasBody)
        {
            forward.Content = new StreamContent(request.Body);
        }

        foreach ((string name, Microsoft.Extensions.Primitives.StringValues values) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values) && forward.Content is not null)
            {
                forward.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        forward.Headers.Remove(InvocationIdHeader);
        forward.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
        return forward;
    }

    /// <summary>Anonymous routes are open; function- and admin-level ones want the key in <c>?code=</c> or <c>x-functions-key</c>, as the host checks.</summary>
    private bool Authorized(LoadedFunction function, HttpRequest request)
    {
        string level = function.TriggerProperty("authLevel") ?? "Function";
        if (string.Equals(level, "Anonymous", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string? key = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        return key is not null && string.Equals(key, _options.FunctionKey, StringComparison.Ordinal);
    }

    private static async Task IgnoreFailureAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            // The HTTP side failed already; that is the answer.
        }
    }
}
