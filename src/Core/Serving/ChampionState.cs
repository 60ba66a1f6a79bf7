namespace SunspotForecaster.Core.Serving;

/// <summary>The champion as the API sees it: loaded, absent (nothing promoted yet), or unloadable (with why).</summary>
public sealed record ChampionState<TModel>(ServedModel<TModel>? Served, bool Exists, string? Problem)
    where TModel : class, IDisposable;
