using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using SunspotForecaster.Models.Engine;

namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// A model as two files: <c>weights.bin</c> (TorchSharp's format) and <c>manifest.json</c>, which
/// says what the weights are, how they were made and how they scored. The weights are loaded only
/// after their size and SHA-256 match the manifest.
/// </summary>
public static class ModelPackage
{
    /// <summary>
    /// The format this code writes. 5: a sunspot package holds an ensemble ("members" in the manifest,
    /// weights under "members.N.") with a serving method and its quantiles for each lead 1..60, both
    /// baselines' quantiles, and the direct linear model of each lead ("linear"), which a lead may be
    /// served by. Sunspot packages of formats 1 to 4 had only a 90% interval: they are refused, and
    /// the message says to retrain. A car classifier's package is the same in every format.
    /// </summary>
    public const int FormatVersion = 5;
    public const string ManifestFileName = "manifest.json";
    public const string WeightsFileName = "weights.bin";

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        TypeInfoResolver = ManifestJsonContext.Default,
    };

    /// <summary>The version of this code, recorded in every package it writes.</summary>
    public static string CodeVersion { get; } =
        typeof(ModelPackage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>A package of <paramref name="weights"/> (TorchSharp's weights file, <see cref="TorchWeightsFile"/>) and the manifest <paramref name="describe"/> writes around their size and hash.</summary>
    public static (ModelManifest Manifest, PackageFiles Files) Pack(byte[] weights, Func<WeightsFile, ModelManifest> describe)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(describe);
        ModelManifest manifest = describe(new WeightsFile(WeightsFileName, weights.Length, Convert.ToHexStringLower(SHA256.HashData(weights))));
        return (manifest, new PackageFiles(JsonSerializer.SerializeToUtf8Bytes(manifest, JsonOptions), weights));
    }

    public static ModelManifest ReadManifest(PackageFiles files, string kind, string origin, int oldestFormat = FormatVersion)
    {
        ArgumentNullException.ThrowIfNull(files);
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(files.Manifest, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ModelPackageException($"The manifest of {origin} is not valid: {e.Message}", e);
        }

        if (manifest is null)
        {
            throw new ModelPackageException($"The manifest of {origin} is empty.");
        }

        if (manifest.FormatVersion < oldestFormat || manifest.FormatVersion > FormatVersion)
        {
            string readable = oldestFormat == FormatVersion ? $"format {FormatVersion}" : $"formats {oldestFormat} to {FormatVersion}";
            throw new ModelPackageException($"{origin} has package format {manifest.FormatVersion}; this version of sunspots reads {readable}. Retrain the model or use the matching version.");
        }

        if (manifest.Kind != kind)
        {
            throw new ModelPackageException($"{origin} holds a '{manifest.Kind}' model, not a '{kind}' model.");
        }

        if (manifest.Weights is null || manifest.Weights.File != WeightsFileName)
        {
            throw new ModelPackageException($"The manifest of {origin} names no weights file '{WeightsFileName}'.");
        }

        return manifest;
    }

    /// <summary>
    /// The flat weights of the package for a network laid out as <paramref name="layout"/>, after
    /// checking them against the manifest's size and hash.
    /// </summary>
    /// <exception cref="ModelPackageException">The weights are truncated, corrupt or do not fit the network; the message says how.</exception>
    public static float[] ReadWeights(PackageFiles files, ModelManifest manifest, NetworkLayout layout, string origin)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(layout);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(files.Weights));
        if (files.Weights.Length != manifest.Weights.Bytes || sha256 != manifest.Weights.Sha256)
        {
            throw new ModelPackageException(
                $"The weights of {origin} are truncated or corrupt: {files.Weights.Length} bytes with SHA-256 {sha256}, the manifest says {manifest.Weights.Bytes} bytes with SHA-256 {manifest.Weights.Sha256}.");
        }

        try
        {
            return TorchWeightsFile.Read(files.Weights, layout);
        }
        catch (InvalidDataException e)
        {
            throw new ModelPackageException($"The weights of {origin} do not fit the network its manifest describes: {e.Message}.", e);
        }
    }
}
