namespace SunspotForecaster.Core.Serving;

/// <summary>
/// A loaded model with a count of its holders: the cache holds one reference while the model is
/// current, each answer one while it runs. The native model is freed when the count reaches zero,
/// never while an answer still uses it.
/// </summary>
internal sealed class SharedModel<TModel>(ServedModel<TModel> served)
    where TModel : class, IDisposable
{
    private int _references = 1;

    public ServedModel<TModel> Served { get; } = served;

    /// <summary>Adds a holder, unless the model was already freed (then the caller reads the cache again).</summary>
    public bool TryAcquire()
    {
        while (true)
        {
            int current = Volatile.Read(ref _references);
            if (current == 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Served.Model.Dispose();
        }
    }
}
