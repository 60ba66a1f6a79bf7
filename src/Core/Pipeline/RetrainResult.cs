using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// What a retrain request did: the version it trained (or found), the promotion decision, and why.
/// <see cref="RetryAfter"/> is set when the request must come back later (busy, or the lease was lost).
/// </summary>
public sealed record RetrainResult(RetrainOutcome Outcome, ModelVersion? Version, PromotionDecision? Decision, string Message, TimeSpan? RetryAfter = null);
