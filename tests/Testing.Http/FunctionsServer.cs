using System.Globalization;
using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SunspotForecaster.Testing.Http;

/// <summary>
/// A faithful stand-in for the Functions host in front of the isolated worker, for what HTTP
/// functions see (the host itself cannot run here): Kestrel on 127.0.0.1, the routes, methods and
/// authorization levels read from the built <c>functions.metadata</c> and <c>host.json</c> (so a
/// route the host would not expose cannot answer), function classes created per invocation from the
/// request's services, and their <c>IActionResult</c> executed by MVC's result executors with the
/// JSON options the worker's ASP.NET Core integration registers (<c>AddMvcCore</c>: web defaults).
/// An exception escaping a function becomes the host's bare 500. Keys: <c>x-functions-key</c> or
/// <c>?code=</c>, as the host reads them.
/// </summary>
public sealed class FunctionsServer : IAsyncDisposable
{
    public const string FunctionKey = "stand-in-function-key";

    /// <summary>The host's default request body limit (100 MB).</summary>
    public const long HostMaxRequestBodyBytes = 104_857_600;

    private readonly WebApplication _app;

    private FunctionsServer(WebApplication app, IReadOnlyList<HttpFunctionRoute> routes, Uri root)
    {
        _app = app;
        Routes = routes;
        Root = root;
        Client = new HttpClient { BaseAddress = root };
        KeyedClient = new HttpClient { BaseAddress = root };
        KeyedClient.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
    }

    /// <summary>The built Functions app's output folder (from the test assembly's metadata).</summary>
    public static string FunctionsOutput { get; } = typeof(FunctionsServer).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsOutput").Value!;

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri Root { get; }

    public IReadOnlyList<HttpFunctionRoute> Routes { get; }

    /// <summary>The app's services (storage, pipeline) as the functions see them.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>What the functions threw (the host would log it and answer 500): for the tests' messages.</summary>
    public static System.Collections.Concurrent.ConcurrentQueue<Exception> Unhandled { get; } = new();

    /// <summary>An anonymous caller.</summary>
    public HttpClient Client { get; }

    /// <summary>A caller with the function key, for the admin routes.</summary>
    public HttpClient KeyedClient { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>Starts the server with the app's services as <paramref name="configure"/> registers them.</summary>
    public static async Task<FunctionsServer> StartAsync(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        IReadOnlyList<HttpFunctionRoute> routes = HttpFunctionRoute.Read(FunctionsOutput);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.MaxRequestBodySize = HostMaxRequestBodyBytes;
        });
        configure(builder.Services);
        builder.Services.AddMvcCore();
        builder.Services.AddRouting();
        WebApplication app = builder.Build();
        foreach (HttpFunctionRoute route in routes)
        {
            RequestDelegate worker = WorkerPipeline(app, route);
            // The host answers a missing or wrong key itself, as it answers an unknown route: the worker never sees them.
            app.MapMethods(route.Route, route.Methods, context => route.NeedsKey && !HasKey(context.Request) ? UnauthorizedAsync(context) : worker(context));
        }

        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new FunctionsServer(app, routes, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>What the worker's ASP.NET Core pipeline does with a request the host hands it: the middleware the worker's Program adds (its startup filters), then the function.</summary>
    private static RequestDelegate WorkerPipeline(IApplicationBuilder app, HttpFunctionRoute route)
    {
        IApplicationBuilder worker = app.New();
        new Functions.Http.SecurityHeaders().Configure(pipeline => pipeline.Run(context => InvokeAsync(context, route)))(worker);
        return worker.Build();
    }

    private static Task UnauthorizedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Task.CompletedTask;
    }

    private static async Task InvokeAsync(HttpContext context, HttpFunctionRoute route)
    {
        MethodInfo entry = route.Entry;
        object? instance = entry.IsStatic ? null : ActivatorUtilities.CreateInstance(context.RequestServices, entry.DeclaringType!);
        try
        {
            await RunAsync(context, entry, instance).ConfigureAwait(false);
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested)
        {
            Unhandled.Enqueue(e);
            throw;
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private static async Task RunAsync(HttpContext context, MethodInfo entry, object? instance)
    {
        object?[] arguments = [.. entry.GetParameters().Select(p => Bind(p, context))];
        object? result;
        try
        {
            result = entry.Invoke(instance, arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }

        if (result is Task task)
        {
            await task.ConfigureAwait(false);
            result = task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
        }

        if (result is IActionResult action && !context.RequestAborted.IsCancellationRequested)
        {
            await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())).ConfigureAwait(false);
        }
    }

    private static bool HasKey(HttpRequest request) =>
        request.Headers["x-functions-key"] == FunctionKey || request.Query["code"] == FunctionKey;

    // What the worker binds for these functions: the request, the invocation's cancellation, and
    // route values by name.
    private static object? Bind(ParameterInfo parameter, HttpContext context)
    {
        if (parameter.ParameterType == typeof(HttpRequest))
        {
            return context.Request;
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return context.RequestAborted;
        }

        if (context.GetRouteValue(parameter.Name!) is { } value)
        {
            return Convert.ChangeType(value, parameter.ParameterType, CultureInfo.InvariantCulture);
        }

        throw new NotSupportedException($"The stand-in does not bind {parameter.ParameterType.Name} {parameter.Name} of {parameter.Member.DeclaringType?.Name}; teach it how the worker does.");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        KeyedClient.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
