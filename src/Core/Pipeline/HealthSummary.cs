namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// What <c>GET /api/health</c> answers: how old the data are, how the last ingest went, and for each
/// model the champion, the version this instance serves, and what is wrong when they differ.
/// </summary>
public sealed record HealthSummary(HealthSummary.DataState? Data, HealthSummary.IngestState? LastIngest, IReadOnlyDictionary<string, HealthSummary.ModelState> Models)
{
    /// <summary>The promoted champion, the version this instance serves, and the problem when the two differ or none can be served.</summary>
    public sealed record ModelState(int? Champion, int? Served, string? Problem);

    /// <summary>The current SIDC file: its last day, when it was stored, its age in days on the day asked, its SHA-256.</summary>
    public sealed record DataState(DateOnly LastDate, DateTimeOffset StoredAt, int AgeDays, string Sha256);

    /// <summary>The most recent ingest attempt.</summary>
    public sealed record IngestState(DateTimeOffset Time, string Outcome, string? Error);
}
