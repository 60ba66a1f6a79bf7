namespace SunspotForecaster.Models.Engine;

/// <summary>
/// Runs the chunks of one mini-batch on the calling thread and on helper threads of its own that
/// wait for the next batch spinning, then sleeping. A mini-batch of the course's network is about
/// half a millisecond of work on each of two cores; handing it to the thread pool (Parallel.For)
/// cost a good part of that in wake-ups. Which thread runs which chunk does not matter: each
/// chunk writes only its own buffers.
/// </summary>
internal sealed class ChunkWorkers : IDisposable
{
    // MRES spins this many rounds before it blocks: tens of microseconds, more than the gap
    // between two batches (the optimiser's step), far less than a batch.
    private const int SpinCount = 2000;

    private readonly Thread[] _helpers;
    private readonly ManualResetEventSlim[] _start;
    private Action<int>? _body;
    private int _count;
    private int _next;
    private int _busy;
    private Exception? _failure;
    private volatile bool _stopping;

    public ChunkWorkers(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _start = [.. Enumerable.Range(0, threads - 1).Select(_ => new ManualResetEventSlim(false, SpinCount))];
        _helpers = [.. Enumerable.Range(0, threads - 1).Select(i => new Thread(() => Help(i)) { IsBackground = true, Name = "Training chunks" })];
        foreach (Thread helper in _helpers)
        {
            helper.Start();
        }
    }

    /// <summary>The calling thread and the helpers.</summary>
    public int Threads => _helpers.Length + 1;

    /// <summary>Runs <paramref name="body"/> for chunks 0..count-1 and returns when all have run; rethrows the first failure.</summary>
    public void Run(int count, Action<int> body)
    {
        if (_helpers.Length == 0 || count <= 1)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        _body = body;
        _count = count;
        _failure = null;
        Volatile.Write(ref _next, -1);
        Volatile.Write(ref _busy, _helpers.Length);
        foreach (ManualResetEventSlim start in _start)
        {
            start.Set();
        }

        Work();
        var wait = new SpinWait();
        while (Volatile.Read(ref _busy) > 0)
        {
            wait.SpinOnce(sleep1Threshold: -1); // never Sleep(1): a millisecond is two batches
        }

        if (_failure is Exception failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (ManualResetEventSlim start in _start)
        {
            start.Set();
        }

        foreach (Thread helper in _helpers)
        {
            helper.Join();
        }

        foreach (ManualResetEventSlim start in _start)
        {
            start.Dispose();
        }
    }

    private void Help(int index)
    {
        ManualResetEventSlim start = _start[index];
        while (true)
        {
            start.Wait();
            start.Reset();
            if (_stopping)
            {
                return;
            }

            Work();
            Interlocked.Decrement(ref _busy);
        }
    }

    private void Work()
    {
        int chunk;
        while ((chunk = Interlocked.Increment(ref _next)) < _count)
        {
            try
            {
                _body!(chunk);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
        }
    }
}
