using SunspotForecaster.Core.Packaging;

namespace SunspotForecaster.Core.Serving;

/// <summary>One loaded champion: every answer comes from one of these, whole, and says which version it is.</summary>
public sealed record ServedModel<TModel>(string Name, int Version, TModel Model, ModelManifest Manifest)
    where TModel : class, IDisposable;

/// <summary>The champion as the API sees it: loaded, absent (nothing promoted yet), or unloadable (with why).</summary>
public sealed record ChampionState<TModel>(ServedModel<TModel>? Served, bool Exists, string? Problem)
    where TModel : class, IDisposable;
