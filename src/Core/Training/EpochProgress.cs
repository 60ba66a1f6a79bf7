using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>What one epoch did; reported to the caller as training goes.</summary>
public sealed record EpochProgress(int Epoch, double TrainLoss, double ValidationLoss, double ValidationMetric, bool Improved, double Seconds);
