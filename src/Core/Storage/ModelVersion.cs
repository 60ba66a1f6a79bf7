namespace SunspotForecaster.Core.Storage;

/// <summary>A registered model version: its row in the registry table.</summary>
public sealed record ModelVersion(
    string Name,
    int Version,
    string Status,
    DateTimeOffset RegisteredAt,
    string? DataSha256,
    string? SettingsSha256,
    string CodeVersion,
    double? TestRmse,
    double? PersistenceRmse,
    double? Accuracy,
    double? TrainSeconds,
    string ManifestSha256,
    string WeightsSha256,
    long WeightsBytes,
    string? Reason);
