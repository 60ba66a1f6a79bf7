namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// Next-day accuracy on the test range. <see cref="PersistenceRmse"/> scores "tomorrow = today" on
/// the very same windows; <see cref="Skill"/> = 1 − RMSE / persistence RMSE (above 0: better than
/// persistence). <see cref="IntervalCoverage"/> is the share of days whose value fell inside the
/// model's prediction interval.
/// </summary>
public sealed record TestMetrics(int Windows, double Rmse, double Mae, double PersistenceRmse, double Skill, double IntervalCoverage, double IntervalLevel);
