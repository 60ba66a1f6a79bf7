using SunspotForecaster.Models.Forecasting;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// A champion demoted for losing to persistence in live use: when, from which version to which (or
/// to a baseline), and the figures: RMSE at leads 1–7 of the model and of persistence on the same
/// scored forecasts, how many, over how many issue days, and the Diebold–Mariano statistic and its
/// p-value.
/// </summary>
public sealed record Demotion(string Name, DateTimeOffset At, int FromVersion, int? ToVersion, ForecastMethod? ToBaseline, double ModelRmse, double PersistenceRmse, int Count, int Days, double Statistic, double PValue, string Reason);
