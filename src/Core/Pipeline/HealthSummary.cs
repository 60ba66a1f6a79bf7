using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Evaluation;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// What <c>GET /api/health</c> answers: the data forecasts start from and how old they are, the
/// daily estimate and why it is or is not used, how the last ingests went, and for each model the
/// champion, the version this instance serves, and what is wrong when the two differ.
/// </summary>
public sealed record HealthSummary(
    HealthSummary.DataState? Data,
    HealthSummary.EisnState Eisn,
    HealthSummary.IngestState? LastIngest,
    HealthSummary.IngestState? LastEisnIngest,
    IReadOnlyDictionary<string, HealthSummary.ModelState> Models)
{
    /// <summary>
    /// The daily file (its last day, when it was stored, its SHA-256), the last observation of the
    /// serving series (file or estimate) and its age on the day asked; stale when tomorrow would
    /// need a lead above 60 days.
    /// </summary>
    public sealed record DataState(DateOnly FileLastDate, DateTimeOffset StoredAt, string Sha256, DateOnly? LastObservation, ObservationKind? LastObservationKind, int? AgeDays, bool Stale, string? StaleReason);

    /// <summary>The stored EISN copy (its days, when it was fetched), how many of its days the serving series uses, and why not more.</summary>
    public sealed record EisnState(DateOnly? FirstDate, DateOnly? LastDate, DateTimeOffset? FetchedAt, int DaysUsed, DateOnly? LastDateUsed, string? Note);

    /// <summary>The most recent ingest attempt of a source.</summary>
    public sealed record IngestState(DateTimeOffset Time, string Outcome, string? Error);

    /// <summary>
    /// The promoted champion, the version this instance serves, and the problem when the two differ
    /// or none can be served; for the forecaster, the champion's live skill per lead band.
    /// </summary>
    public sealed record ModelState(int? Champion, int? Served, string? Problem, IReadOnlyList<SkillLine>? Live = null);
}
