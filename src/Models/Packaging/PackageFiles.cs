namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// The two files of a model package, in memory: <c>manifest.json</c> and <c>weights.bin</c>. A
/// trained model is packed into these once, then registered from memory; a registered one is
/// downloaded into these and loaded from memory. Only a folder on disk (<c>train --out</c>) is
/// written and read through <see cref="WriteTo"/> and <see cref="Read"/>.
/// </summary>
public sealed record PackageFiles(byte[] Manifest, byte[] Weights)
{
    /// <summary>Reads the package in <paramref name="directory"/>.</summary>
    /// <exception cref="ModelPackageException">The folder holds no package, or only part of one.</exception>
    public static PackageFiles Read(string directory)
    {
        string manifest = Path.Combine(directory, ModelPackage.ManifestFileName);
        string weights = Path.Combine(directory, ModelPackage.WeightsFileName);
        if (!File.Exists(manifest))
        {
            throw new ModelPackageException($"'{directory}' is not a model package: it has no {ModelPackage.ManifestFileName}.");
        }

        if (!File.Exists(weights))
        {
            throw new ModelPackageException($"The package in '{directory}' has no weights file '{ModelPackage.WeightsFileName}'.");
        }

        return new PackageFiles(File.ReadAllBytes(manifest), File.ReadAllBytes(weights));
    }

    /// <summary>Fails now rather than after a training when no package can be written to <paramref name="directory"/>: it is a file, or its parent cannot be created or written.</summary>
    /// <exception cref="ArgumentException">The folder cannot take a package; the message says why.</exception>
    public static void CheckWritable(string directory)
    {
        string target = Path.GetFullPath(directory);
        if (File.Exists(target))
        {
            throw new ArgumentException($"'{directory}' is a file; give the folder to save the package in (it is created or replaced).");
        }

        string parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{directory}' cannot hold a model package.");
        try
        {
            Directory.CreateDirectory(parent);
            string probe = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.probe");
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"A package cannot be written to '{directory}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Writes the package into <paramref name="directory"/>, replacing a package there: into a
    /// temporary sibling folder first, moved into place whole, so a reader never sees half a package.
    /// </summary>
    /// <exception cref="ArgumentException">The folder exists and holds something other than a package.</exception>
    public void WriteTo(string directory)
    {
        string target = Path.GetFullPath(directory);
        string parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{directory}' cannot hold a model package.", nameof(directory));
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            File.WriteAllBytes(Path.Combine(staging, ModelPackage.WeightsFileName), Weights);
            File.WriteAllBytes(Path.Combine(staging, ModelPackage.ManifestFileName), Manifest);
            Publish(staging, target);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    // An existing package is replaced only after the new one is complete.
    private static void Publish(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }

        if (Directory.EnumerateFileSystemEntries(target).Any() && !File.Exists(Path.Combine(target, ModelPackage.ManifestFileName)))
        {
            throw new ArgumentException($"'{target}' exists and is not a model package; choose an empty or new folder for the model.");
        }

        string previous = target + $".{Guid.NewGuid():N}.old";
        Directory.Move(target, previous);
        Directory.Move(staging, target);
        Directory.Delete(previous, recursive: true);
    }
}
