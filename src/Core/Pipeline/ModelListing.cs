using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>A model's registered versions, oldest first, and which one is champion.</summary>
public sealed record ModelListing(string Name, int? Champion, IReadOnlyList<ModelVersion> Versions);
