using SunspotForecaster.Models.Packaging;

namespace SunspotForecaster.Models.Forecasting;

/// <summary>Which model answered: its registry version (none for a package read from a folder), when it was trained, how it scored, on which data.</summary>
public sealed record ModelSummary(string Name, int? Version, DateTimeOffset TrainedAt, double TestRmse, string? DataSha256, string CodeVersion)
{
    public static ModelSummary Of(ModelManifest manifest, int? version)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return new ModelSummary(manifest.Kind, version, manifest.CreatedAt, manifest.Forecaster?.Metrics.Test.Rmse ?? double.NaN, manifest.DataSha256, manifest.CodeVersion);
    }
}
