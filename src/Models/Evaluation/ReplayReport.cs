namespace SunspotForecaster.Models.Evaluation;

/// <summary>What <c>sunspots replay</c> answers: the days replayed, the skill by lead 1..30, and the demotions the rule would have made.</summary>
public sealed record ReplayReport(DateOnly From, DateOnly To, int Days, string Note, IReadOnlyList<ReplayLead> ByLead, IReadOnlyList<ReplayDemotion> Demotions);
