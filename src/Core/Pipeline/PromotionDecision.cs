namespace SunspotForecaster.Core.Pipeline;

/// <summary>What the promotion policy decided, with the figures it compared (lower RMSE, higher accuracy is better).</summary>
public sealed record PromotionDecision(string Name, int Version, bool Promoted, int? PreviousChampion, double CandidateScore, double? ChampionScore, double? PersistenceRmse, string Reason);
