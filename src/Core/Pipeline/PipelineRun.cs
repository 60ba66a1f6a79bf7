using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>What <c>pipeline run</c> did: the ingest, a step per model, and the champion's forecast for the next day.</summary>
public sealed record PipelineRun(IngestResult Ingest, IReadOnlyList<PipelineStep> Steps, SunspotForecast Forecast);
