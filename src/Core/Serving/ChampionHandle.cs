using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Core.Serving;

/// <summary>
/// The champion as one answer sees it, held for the answer's duration: the model it serves (none
/// before any was promoted, or when none could ever be loaded), whether a champion exists, and the
/// problem when the promoted one could not be loaded. A model replaced meanwhile is disposed only
/// once every handle on it is disposed.
/// </summary>
public sealed class ChampionHandle<TModel> : IDisposable
    where TModel : class, IDisposable
{
    private readonly SharedModel<TModel>? _shared;
    private int _released;

    internal ChampionHandle(SharedModel<TModel>? shared, bool exists, string? problem, ForecastMethod? baseline)
    {
        _shared = shared;
        Exists = exists;
        Problem = problem;
        Baseline = baseline;
    }

    public ServedModel<TModel>? Served => _shared?.Served;

    /// <summary>A champion has been promoted (it may still be unloadable).</summary>
    public bool Exists { get; }

    /// <summary>Why the promoted champion is not the one served, or cannot be served.</summary>
    public string? Problem { get; }

    /// <summary>After a demotion with no earlier champion to take over, the baseline that answers instead.</summary>
    public ForecastMethod? Baseline { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _shared?.Release();
        }
    }
}
