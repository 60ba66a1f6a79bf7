using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// Skill at one lead on a range: the network's RMSE and MAE, both baselines' and the linear model's
/// RMSE on the same targets (the linear's null for a model without one), the method serving this
/// lead (chosen on the validation years), its RMSE, how often the served interval held the value,
/// and the distributions' scores (<see cref="DistributionScores"/>). The figures are null where the
/// range holds no target at that lead.
/// </summary>
public sealed record LeadScore(int Lead, int N, double? Rmse, double? Mae, double? PersistenceRmse, double? RotationMeanRmse, double? LinearRmse, ForecastMethod Method, double? ServedRmse, double? Coverage)
    : DistributionScores;
