using SunspotForecaster.Core.Evaluation;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Series;

namespace SunspotForecaster.Core.Training;

/// <summary>A trained sunspot model with how it was trained (its members' runs combined) and how it scored.</summary>
public sealed record TrainedForecaster(ForecastModel Model, ForecasterTrainingOptions Options, PreparedSeries Data, TrainingRun Run, double ValidationRmse, TestMetrics Test);
