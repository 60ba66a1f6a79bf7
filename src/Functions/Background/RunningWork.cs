using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SunspotForecaster.Functions.Background;

/// <summary>
/// Work that must end with the worker process. When the host terminates the worker
/// (WorkerTerminate), the worker SDK stops the application but does not cancel the invocations
/// still running; their own tokens stay uncancelled and the process would exit under them (a
/// retrain's trainer lease then stays taken until it expires). So this service, stopped before
/// the worker's own services, cancels the work it runs and waits, within the host's shutdown
/// timeout, until the work has unwound: a retrain stops training, registers nothing and releases
/// its lease on the way out.
/// </summary>
public sealed class RunningWork : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Runs <paramref name="work"/> with a token cancelled by <paramref name="invocation"/>'s or by the worker stopping.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken invocation)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(invocation, _stopping.Token);
        Task<T> running = work(linked.Token);
        _running.TryAdd(running, 0);
        try
        {
            return await running.ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(running, out _);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Cancels the running work and waits until it has ended, or until <paramref name="cancellationToken"/> (the shutdown timeout).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        // WhenAny never throws: the work's own failures are its invocations'.
        await Task.WhenAny(Task.WhenAll(_running.Keys), Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();
}

public static class RunningWorkServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RunningWork"/> as a singleton and a hosted service. Register it after
    /// the worker's services: hosted services stop in reverse order, so it waits for the work while
    /// the worker can still answer the host.
    /// </summary>
    public static IServiceCollection AddRunningWork(this IServiceCollection services)
    {
        services.AddSingleton<RunningWork>();
        services.AddHostedService(provider => provider.GetRequiredService<RunningWork>());
        return services;
    }
}
