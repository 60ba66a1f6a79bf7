using SunspotForecaster.Core.Evaluation;

namespace SunspotForecaster.Core.Packaging;

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

public sealed record WeightsFile(string File, long Bytes, string Sha256);

public sealed record ForecasterDetails(
    string Cell,
    int Window,
    int HiddenSize,
    int Layers,
    double Dropout,
    int DenseSize,
    ScalerDetails Scaler,
    ForecasterHyperParameters HyperParameters,
    TrainingRanges Ranges,
    TrainingDetails Training,
    ForecasterMetrics Metrics,
    IntervalDetails Intervals);

public sealed record ScalerDetails(float Mean, float StandardDeviation);

public sealed record ForecasterHyperParameters(int BatchSize, double LearningRate, int MaxEpochs, int Patience, double MinDelta, int Seed, double? BudgetSeconds);

public sealed record DateSpan(DateOnly Start, DateOnly End);

public sealed record TrainingRanges(DateSpan Train, DateSpan Validation, DateSpan Test);

public sealed record TrainingDetails(int Epochs, int BestEpoch, string StopReason, double TrainSeconds, int TrainSamples, int ValidationSamples, int TestSamples);

public sealed record ForecasterMetrics(double ValidationRmse, TestMetrics Test);

public sealed record IntervalDetails(double Level, float ScaleOffset, float[] Lower, float[] Upper);

public sealed record ClassifierDetails(int Classes, int HiddenSize, double Dropout, int TrainedMaxLength, ClassifierHyperParameters HyperParameters, TrainingDetails Training, ClassifierMetrics Metrics);

public sealed record ClassifierHyperParameters(int BatchSize, double LearningRate, int MaxEpochs, int Patience, double MinDelta, int Seed, int ExamplesPerEpoch);

public sealed record ClassifierMetrics(double ValidationLoss, double EnumerationAccuracy, int EnumerationSequences, int EnumerationMaxLength);
