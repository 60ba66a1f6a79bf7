using SunspotForecaster.Models.Packaging;

namespace SunspotForecaster.Core.Serving;

/// <summary>One loaded champion: every answer comes from one of these, whole, and says which version it is.</summary>
public sealed record ServedModel<TModel>(string Name, int Version, TModel Model, ModelManifest Manifest)
    where TModel : class, IDisposable;
