using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// What <c>pipeline run</c> did: the ingest of the daily file and of the estimate (or why the
/// estimate failed), a step per model, and the forecast the API answers for tomorrow (or why there
/// is none: the newest observation is too old).
/// </summary>
public sealed record PipelineRun(IngestResult Ingest, EisnIngestResult? Eisn, string? EisnProblem, IReadOnlyList<PipelineStep> Steps, SunspotForecast? Forecast, string? ForecastProblem);
