using System.Globalization;

namespace SunspotForecaster.Core.Data;

/// <summary>
/// Whether a new SIDC file may replace the current one. SILSO only appends days and turns
/// provisional values into definitive ones; a file that loses history or changes a definitive value
/// is more likely a broken or foreign file than news, so it is kept aside for a person to look at.
/// </summary>
public static class HistoryCheck
{
    /// <summary>How much shorter than the current file a new one may be.</summary>
    public const double MaxShrink = 0.01;

    /// <summary>Null when <paramref name="candidate"/> may replace <paramref name="current"/>; otherwise the reason it may not.</summary>
    public static string? Objection(SunspotSeries current, SunspotSeries candidate)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Count < current.Count * (1 - MaxShrink))
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"its history is {candidate.Count:N0} days ({candidate.FirstDate:yyyy-MM-dd}..{candidate.LastDate:yyyy-MM-dd}), more than {MaxShrink * 100:0.#}% shorter than the current {current.Count:N0} days ({current.FirstDate:yyyy-MM-dd}..{current.LastDate:yyyy-MM-dd}).");
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
