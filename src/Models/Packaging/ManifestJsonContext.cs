using System.Text.Json.Serialization;

namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// The manifest's serialisation metadata, generated at compile time: reflection-built metadata
/// cost a new instance about a third of its time from start to the first forecast.
/// </summary>
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
