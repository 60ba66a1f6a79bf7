namespace SunspotForecaster.Core.Storage;

/// <summary>
/// What is known of the stored EISN copy without reading its values: its SHA-256, first and last
/// day, when it was fetched, and the validators its server sent (for the next conditional GET).
/// </summary>
public sealed record EisnCopy(string Sha256, DateOnly FirstDate, DateOnly LastDate, int Rows, DateTimeOffset FetchedAt, SourceInfo Source);
