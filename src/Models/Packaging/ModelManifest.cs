namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// manifest.json of a model package: what the weights are, how they were made and how they scored.
/// <see cref="FormatVersion"/> changes whenever a stored package would no longer load the same way.
/// </summary>
public sealed record ModelManifest
{
    public required int FormatVersion { get; init; }

    /// <summary><c>sunspots</c> or <c>cars</c>.</summary>
    public required string Kind { get; init; }

    public required string CodeVersion { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>SHA-256 of the data file the model was trained on (hex); null for the car model.</summary>
    public string? DataSha256 { get; init; }

    public required WeightsFile Weights { get; init; }

    public ForecasterDetails? Forecaster { get; init; }

    public ClassifierDetails? Classifier { get; init; }
}
