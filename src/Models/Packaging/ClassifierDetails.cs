namespace SunspotForecaster.Models.Packaging;

/// <summary>What rebuilds a car-colour classifier, and how it was trained and scored.</summary>
public sealed record ClassifierDetails(int Classes, int HiddenSize, double Dropout, int TrainedMaxLength, ClassifierHyperParameters HyperParameters, TrainingDetails Training, ClassifierMetrics Metrics);
