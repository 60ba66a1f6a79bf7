namespace SunspotForecaster.Models.Packaging;

/// <summary>The training settings of a sunspot model (formats 1 and 2 had only those up to the budget).</summary>
public sealed record ForecasterHyperParameters(
    int BatchSize,
    double LearningRate,
    int MaxEpochs,
    int Patience,
    double MinDelta,
    int Seed,
    double? BudgetSeconds,
    double? WeightAverageDecay = null,
    int Threads = 1);
