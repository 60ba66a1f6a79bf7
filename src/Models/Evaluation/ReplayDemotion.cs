namespace SunspotForecaster.Models.Evaluation;

/// <summary>The day a replay's demotion rule would have demoted the model, with the evidence.</summary>
public sealed record ReplayDemotion(DateOnly Day, DemotionTest Test);
