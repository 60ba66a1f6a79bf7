using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Models.Classification;

/// <summary>A trained car-colour classifier, how it was trained, and its accuracy on every single-car sequence up to a length.</summary>
public sealed record TrainedCarColourModel(CarColourModel Model, CarColourRecipe Options, TrainingRun Run, double ValidationLoss, double EnumerationAccuracy, long EnumerationSequences, int EnumerationMaxLength);
