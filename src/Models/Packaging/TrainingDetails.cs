using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Models.Packaging;

/// <summary>How a training run went: epochs, the best one, why it stopped, how long it took, on how many samples.</summary>
/// <param name="Engine">Which engine trained the network; absent from packages made before it was recorded.</param>
public sealed record TrainingDetails(int Epochs, int BestEpoch, string StopReason, double TrainSeconds, int TrainSamples, int ValidationSamples, int TestSamples, TrainingEngine? Engine = null);
