using static TorchSharp.torch;

namespace SunspotForecaster.Models.Networks;

/// <summary>
/// libtorch's intra-op thread count for one piece of work on the calling thread. libtorch keeps
/// the count per thread (OpenMP's setting is per thread; threads that never ran a parallel
/// operation take the last value set), so a training sets its own count and puts the previous one
/// back when it ends, and a Functions instance that trains and serves on the same cores keeps each
/// workload at the count measured best for it.
/// </summary>
public static class TorchThreads
{
    /// <summary>Runs the caller's tensor work on <paramref name="threads"/> intra-op threads until the result is disposed.</summary>
    public static IDisposable Use(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int previous = get_num_threads();
        if (previous != threads)
        {
            set_num_threads(threads);
        }

        return new Restore(previous, threads);
    }

    private sealed class Restore(int previous, int current) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed && previous != current)
            {
                set_num_threads(previous);
            }

            _disposed = true;
        }
    }
}
