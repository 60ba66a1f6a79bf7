using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;

namespace SunspotForecaster.Core.Packaging;

/// <summary>
/// A model on disk: a folder with <c>weights.bin</c> (TorchSharp's format) and <c>manifest.json</c>.
/// Written into a temporary sibling folder and moved into place, so a reader never sees half a
/// package; read only after the weights' size and SHA-256 match the manifest.
/// </summary>
public static class ModelPackage
{
    public const int FormatVersion = 1;
    public const string ManifestFileName = "manifest.json";
    public const string WeightsFileName = "weights.bin";

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The version of this code, recorded in every package it writes.</summary>
    public static string CodeVersion { get; } =
        typeof(ModelPackage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Saves <paramref name="network"/> and the manifest made by <paramref name="describe"/> into <paramref name="directory"/>, replacing what was there.</summary>
    public static ModelManifest Save(string directory, torch.nn.Module network, Func<WeightsFile, ModelManifest> describe)
    {
        string target = Path.GetFullPath(directory);
        string parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{directory}' cannot hold a model package.", nameof(directory));
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            string weightsPath = Path.Combine(staging, WeightsFileName);
            using (var stream = File.Create(weightsPath))
            {
                network.save(stream);
            }

            byte[] weights = File.ReadAllBytes(weightsPath);
            ModelManifest manifest = describe(new WeightsFile(WeightsFileName, weights.Length, Convert.ToHexStringLower(SHA256.HashData(weights))));
            File.WriteAllText(Path.Combine(staging, ManifestFileName), JsonSerializer.Serialize(manifest, JsonOptions));
            Publish(staging, target);
            return manifest;
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>Reads and checks the manifest of the package in <paramref name="directory"/>; <paramref name="kind"/> is what the caller expects.</summary>
    public static ModelManifest ReadManifest(string directory, string kind)
    {
        string manifestPath = Path.Combine(directory, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new ModelPackageException($"'{directory}' is not a model package: it has no {ManifestFileName}.");
        }

        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(manifestPath), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ModelPackageException($"{manifestPath} is not a valid manifest: {e.Message}", e);
        }

        if (manifest is null)
        {
            throw new ModelPackageException($"{manifestPath} is empty.");
        }

        if (manifest.FormatVersion != FormatVersion)
        {
            throw new ModelPackageException($"{manifestPath} has package format {manifest.FormatVersion}; this version of sunspots reads format {FormatVersion}. Retrain the model or use the matching version.");
        }

        if (manifest.Kind != kind)
        {
            throw new ModelPackageException($"'{directory}' holds a '{manifest.Kind}' model, not a '{kind}' model.");
        }

        return manifest;
    }

    /// <summary>Loads the weights into <paramref name="network"/> after checking them against the manifest.</summary>
    public static void LoadWeights(string directory, ModelManifest manifest, torch.nn.Module network)
    {
        string weightsPath = Path.Combine(directory, manifest.Weights.File);
        if (Path.GetFileName(manifest.Weights.File) != manifest.Weights.File || !File.Exists(weightsPath))
        {
            throw new ModelPackageException($"The package in '{directory}' has no weights file '{manifest.Weights.File}'.");
        }

        byte[] weights = File.ReadAllBytes(weightsPath);
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(weights));
        if (weights.Length != manifest.Weights.Bytes || sha256 != manifest.Weights.Sha256)
        {
            throw new ModelPackageException(
                $"{weightsPath} is truncated or corrupt: {weights.Length} bytes with SHA-256 {sha256}, the manifest says {manifest.Weights.Bytes} bytes with SHA-256 {manifest.Weights.Sha256}.");
        }

        try
        {
            using var stream = new MemoryStream(weights);
            network.load(stream, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or EndOfStreamException or NotSupportedException or KeyNotFoundException)
        {
            throw new ModelPackageException($"{weightsPath} does not fit the network its manifest describes: {e.Message}", e);
        }
    }

    // Moves the finished staging folder into place; an existing package is replaced only after the
    // new one is complete.
    private static void Publish(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }

        if (Directory.EnumerateFileSystemEntries(target).Any() && !File.Exists(Path.Combine(target, ManifestFileName)))
        {
            throw new ArgumentException($"'{target}' exists and is not a model package; choose an empty or new folder for the model.");
        }

        string previous = target + $".{Guid.NewGuid():N}.old";
        Directory.Move(target, previous);
        Directory.Move(staging, target);
        Directory.Delete(previous, recursive: true);
    }
}
