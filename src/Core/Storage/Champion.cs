using Azure;

namespace SunspotForecaster.Core.Storage;

/// <summary>The champion of a model, as read, with the ETag a change must present.</summary>
public sealed record Champion(string Name, int Version, DateTimeOffset PromotedAt, string Reason, ETag ETag);
