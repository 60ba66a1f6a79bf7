using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Models.Evaluation;

/// <summary>A model scored on a range: next-day metrics beside persistence, and, when asked, skill by lead.</summary>
public sealed record RangeScore(DateRange Range, TestMetrics NextDay, IReadOnlyList<LeadScore>? ByLead);
