using SunspotForecaster.Models.Evaluation;

namespace SunspotForecaster.Models.Packaging;

/// <summary>A sunspot model's scores: validation RMSE and the test metrics beside persistence.</summary>
public sealed record ForecasterMetrics(double ValidationRmse, TestMetrics Test);
