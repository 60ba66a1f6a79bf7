using System.IO.Compression;

namespace SunspotForecaster.Models.Data;

/// <summary>
/// The snapshot of SILSO's daily file committed under <c>data/</c> and embedded in this assembly:
/// the offline default of the main job, and what the checks of the real file read. Source, licence
/// and credit are in <c>data/README.md</c>.
/// </summary>
public static class SidcSnapshot
{
    private const string ResourceName = "SN_d_tot_V2.0.csv.gz";

    /// <summary>The snapshot's last day.</summary>
    public static DateOnly LastDay { get; } = new(2026, 1, 31);

    /// <summary>How the snapshot is named where a source is (an ingest record, a message).</summary>
    public static string Name { get; } = $"the embedded snapshot of SILSO's daily file (to {LastDay:yyyy-MM-dd})";

    /// <summary>The file's bytes, as SILSO served them.</summary>
    public static byte[] Bytes()
    {
        using Stream compressed = typeof(SidcSnapshot).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly lacks its embedded resource {ResourceName}; it is built from data/{ResourceName}.");
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        using var file = new MemoryStream();
        gzip.CopyTo(file);
        return file.ToArray();
    }

    /// <summary>The snapshot parsed.</summary>
    public static SidcFile Read() => SidcSource.FromBytes(Bytes(), Name);
}
