namespace SunspotForecaster.Core.Packaging;

/// <summary>How a training run went: epochs, the best one, why it stopped, how long it took, on how many samples.</summary>
public sealed record TrainingDetails(int Epochs, int BestEpoch, string StopReason, double TrainSeconds, int TrainSamples, int ValidationSamples, int TestSamples);
