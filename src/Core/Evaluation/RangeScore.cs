using SunspotForecaster.Core.Series;

namespace SunspotForecaster.Core.Evaluation;

/// <summary>A model scored on a range: next-day metrics beside persistence, and, when asked, skill by lead.</summary>
public sealed record RangeScore(DateRange Range, TestMetrics NextDay, IReadOnlyList<LeadScore>? ByLead);
