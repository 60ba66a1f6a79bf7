namespace SunspotForecaster.Core.Packaging;

/// <summary>The training settings of a sunspot model.</summary>
public sealed record ForecasterHyperParameters(int BatchSize, double LearningRate, int MaxEpochs, int Patience, double MinDelta, int Seed, double? BudgetSeconds);
