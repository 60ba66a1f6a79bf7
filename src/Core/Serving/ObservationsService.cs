using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core.Serving;

/// <summary>
/// The days forecasts start from: the current daily file, then the stored EISN copy's days after
/// it. Kept in memory and rebuilt only when <c>latest.json</c> or the EISN copy changes (checked
/// every <see cref="ServingOptions.ChampionRefreshSeconds"/>) or the UTC day turns. A missing,
/// unreadable or malformed EISN copy never stops serving: the file alone is used, and
/// <see cref="EisnUse.Note"/> says why.
/// </summary>
public sealed partial class ObservationsService(
    RawDataStore rawData,
    EisnStore eisn,
    IOptions<ServingOptions> options,
    TimeProvider clock,
    ILogger<ObservationsService> logger)
{
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private volatile Snapshot? _current;

    /// <exception cref="NotReadyException">No SIDC file has been ingested yet.</exception>
    public async Task<CurrentObservations> CurrentAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = clock.GetUtcNow();
        DateOnly today = DateOnly.FromDateTime(now.UtcDateTime);
        Snapshot? current = _current;
        if (current is not null && current.Observations.Today == today && now - current.CheckedAt < TimeSpan.FromSeconds(options.Value.ChampionRefreshSeconds))
        {
            return current.Observations;
        }

        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _current;
            if (current is not null && current.Observations.Today == today && now - current.CheckedAt < TimeSpan.FromSeconds(options.Value.ChampionRefreshSeconds))
            {
                return current.Observations;
            }

            (LatestPointer Pointer, Azure.ETag ETag) latest = await rawData.GetLatestAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new NotReadyException("No SIDC data has been ingested yet.");
            EisnCopy? eisnCopy = await eisn.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Observations.Today == today && current.Observations.File.Sha256 == latest.Pointer.Sha256 && current.Observations.Eisn?.Sha256 == eisnCopy?.Sha256)
            {
                _current = current with { CheckedAt = now };
                return current.Observations;
            }

            SunspotSeries file = current?.Observations.File.Sha256 == latest.Pointer.Sha256 ? current.FileSeries : (await rawData.DownloadAsync(latest.Pointer.BlobName, cancellationToken).ConfigureAwait(false)).Series;
            (EisnFile? estimates, string? problem) = await ReadEisnAsync(today, cancellationToken).ConfigureAwait(false);
            ObservedSeries series = ObservedSeries.Combine(file, estimates, options.Value.EisnMinStations, today);
            if (problem is not null)
            {
                series = series.WithEisnNote(problem);
            }

            var value = new CurrentObservations(series, latest.Pointer, estimates is null ? null : eisnCopy, today);
            _current = new Snapshot(value, file, now);
            return value;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    private async Task<(EisnFile? File, string? Problem)> ReadEisnAsync(DateOnly today, CancellationToken cancellationToken)
    {
        try
        {
            if (await eisn.GetCurrentAsync(cancellationToken).ConfigureAwait(false) is not { } copy)
            {
                return (null, "no EISN copy has been stored");
            }

            // Stored copies were validated on the way in; a day after "today" can only mean a clock
            // behind the one that stored it, so read with a day's slack rather than refuse.
            return (EisnParser.Parse(copy.Content, today.AddDays(1)), null);
        }
        catch (Exception e) when (e is SidcFormatException or Azure.RequestFailedException)
        {
            LogEisnUnusable(e.Message);
            return (null, $"the EISN copy cannot be used: {e.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored EISN copy cannot be used; serving from the daily file alone: {Problem}")]
    private partial void LogEisnUnusable(string problem);

    private sealed record Snapshot(CurrentObservations Observations, SunspotSeries FileSeries, DateTimeOffset CheckedAt);
}
