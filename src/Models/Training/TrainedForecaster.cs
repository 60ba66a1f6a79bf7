using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Models.Training;

/// <summary>A trained sunspot model with how it was trained (its members' runs combined) and how it scored.</summary>
public sealed record TrainedForecaster(ForecastModel Model, ForecasterRecipe Options, PreparedSeries Data, TrainingRun Run, double ValidationRmse, TestMetrics Test, TrainingEngine Engine);
