namespace SunspotForecaster.Models.Packaging;

/// <summary>The standardisation fitted on the training years.</summary>
public sealed record ScalerDetails(float Mean, float StandardDeviation);
