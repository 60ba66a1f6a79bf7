using SunspotForecaster.Core.Evaluation;

namespace SunspotForecaster.Core.Packaging;

/// <summary>A sunspot model's scores: validation RMSE and the test metrics beside persistence.</summary>
public sealed record ForecasterMetrics(double ValidationRmse, TestMetrics Test);
