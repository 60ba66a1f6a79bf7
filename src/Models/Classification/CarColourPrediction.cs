namespace SunspotForecaster.Models.Classification;

/// <summary>The class of a sequence and the probability of each class (they sum to 1).</summary>
public sealed record CarColourPrediction(int Class, float[] Probabilities);
