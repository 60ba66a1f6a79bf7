using System.Globalization;

namespace SunspotForecaster.Models.Data;

/// <summary>
/// Whether a new SIDC file may replace the current one. History only moves forward: SILSO appends
/// days and turns provisional values into definitive ones, so a file that lacks days the current
/// one has — at its end (the latest days lost) or at its start — or changes a definitive value is
/// more likely a broken or foreign file than news, and is kept aside for a person to look at.
/// </summary>
public static class HistoryCheck
{
    /// <summary>Null when <paramref name="candidate"/> may replace <paramref name="current"/>; otherwise the reason it may not.</summary>
    public static string? Objection(SunspotSeries current, SunspotSeries candidate)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.LastDate < current.LastDate)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"it ends on {candidate.LastDate:yyyy-MM-dd}, before the current file's last day {current.LastDate:yyyy-MM-dd}: it has lost the latest {current.LastDate.DayNumber - candidate.LastDate.DayNumber:N0} days, and history only moves forward.");
        }

        if (candidate.FirstDate > current.FirstDate)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"it starts on {candidate.FirstDate:yyyy-MM-dd}, after the current file's first day {current.FirstDate:yyyy-MM-dd}: it has lost {candidate.FirstDate.DayNumber - current.FirstDate.DayNumber:N0} days of history.");
        }

        ReadOnlySpan<float> oldValues = current.Values;
        ReadOnlySpan<float> newValues = candidate.Values;
        ReadOnlySpan<bool> oldProvisional = current.Provisional;
        int offset = candidate.IndexOf(current.FirstDate);
        for (int i = 0; i < current.Count; i++)
        {
            int j = i + offset;
            if (oldProvisional[i] || j < 0 || j >= candidate.Count)
            {
                continue;
            }

            float before = oldValues[i];
            float after = newValues[j];
            if (!(before == after || (float.IsNaN(before) && float.IsNaN(after))))
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"it rewrites the definitive value of {current.DateAt(i):yyyy-MM-dd} from {Show(before)} to {Show(after)}.");
            }
        }

        return null;
    }

    private static string Show(float value) => float.IsNaN(value) ? "missing" : value.ToString(CultureInfo.InvariantCulture);
}
