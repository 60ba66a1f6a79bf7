using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>What a retrain request did: the version it trained (or found), the promotion decision, and why.</summary>
public sealed record RetrainResult(RetrainOutcome Outcome, ModelVersion? Version, PromotionDecision? Decision, string Message);
