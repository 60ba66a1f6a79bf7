using System.Text.Json.Serialization;

namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// The manifest's serialisation metadata, generated at compile time rather than built by
/// reflection at a new instance's first read. (The serializer's first use still costs a new
/// process about 90 ms of its start, mostly compiling its generic code: see docs/performance.md.)
/// </summary>
[JsonSerializable(typeof(ModelManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext;
