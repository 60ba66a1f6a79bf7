namespace SunspotForecaster.Core.Pipeline;

/// <summary>What <c>pipeline run</c> did for one model: skipped, or retrained with its outcome and promotion decision.</summary>
public sealed record PipelineStep(string Model, string Outcome, int? Version, bool? Promoted, string Message);
