using SunspotForecaster.Models.Evaluation;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// What <c>GET /api/skill</c> answers: live skill over the issue days <see cref="From"/> to
/// <see cref="To"/>, per lead band and model version (0: a baseline fallback), the champion, and the
/// champion's demotion test at leads 1–7 since its promotion.
/// </summary>
public sealed record LiveSkillReport(string Model, DateOnly From, DateOnly To, int WindowDays, int? Champion, IReadOnlyList<SkillLine> Lines, DemotionTest? ChampionTest);
