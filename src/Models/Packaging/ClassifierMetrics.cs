namespace SunspotForecaster.Models.Packaging;

/// <summary>A car-colour classifier's scores.</summary>
public sealed record ClassifierMetrics(double ValidationLoss, double EnumerationAccuracy, int EnumerationSequences, int EnumerationMaxLength);
