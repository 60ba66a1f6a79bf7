namespace SunspotForecaster.Models.Training;

/// <summary>What one epoch did; reported to the caller as training goes. <see cref="Member"/> counts an ensemble's networks from 1. The sunspot forecaster reports both losses as mean squared errors in sunspot numbers.</summary>
public sealed record EpochProgress(int Epoch, double TrainLoss, double ValidationLoss, double ValidationMetric, bool Improved, double Seconds, int Member = 1);
