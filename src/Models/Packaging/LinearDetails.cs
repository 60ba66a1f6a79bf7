using SunspotForecaster.Models.Regression;

namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// The direct linear model of a sunspot package (since format 4): the grids its lags and penalty were
/// chosen from on the validation years, and for each lead 1..60 the choice, its validation RMSE, the
/// intercept and one coefficient per day read (day 0 the last observed), in sunspot numbers. The
/// numbers are written as JSON's shortest round-trip form, so a loaded model forecasts bit for bit
/// as the trained one.
/// </summary>
public sealed record LinearDetails(IReadOnlyList<int> LagGrid, IReadOnlyList<double> PenaltyGrid, IReadOnlyList<LinearLead> Leads);
