namespace SunspotForecaster.Models.Packaging;

/// <summary>The training settings of a car-colour classifier.</summary>
public sealed record ClassifierHyperParameters(int BatchSize, double LearningRate, int MaxEpochs, int Patience, double MinDelta, int Seed, int ExamplesPerEpoch);
