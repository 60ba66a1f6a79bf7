using SunspotForecaster.Core.Training;

namespace SunspotForecaster.Core.Classification;

/// <summary>A trained car-colour classifier, how it was trained, and its accuracy on every single-car sequence up to a length.</summary>
public sealed record TrainedCarColourModel(CarColourModel Model, CarColourTrainingOptions Options, TrainingRun Run, double ValidationLoss, double EnumerationAccuracy, long EnumerationSequences, int EnumerationMaxLength);
