namespace SunspotForecaster.Models.Data;

/// <summary>
/// The daily total sunspot number, one entry per calendar day from <see cref="FirstDate"/> with
/// no gaps. A day without observations keeps its place with a NaN value, and each day keeps its
/// provisional marker, so nothing about the source is lost.
/// </summary>
public sealed class SunspotSeries
{
    private readonly float[] _values;
    private readonly float[] _standardDeviations;
    private readonly int[] _observationCounts;
    private readonly bool[] _provisional;

    internal SunspotSeries(DateOnly firstDate, float[] values, float[] standardDeviations, int[] observationCounts, bool[] provisional)
    {
        if (values.Length == 0)
        {
            throw new ArgumentException("A series holds at least one day.", nameof(values));
        }

        if (standardDeviations.Length != values.Length || observationCounts.Length != values.Length || provisional.Length != values.Length)
        {
            throw new ArgumentException("Every column of a series has one entry per day.");
        }

        FirstDate = firstDate;
        _values = values;
        _standardDeviations = standardDeviations;
        _observationCounts = observationCounts;
        _provisional = provisional;

        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]))
            {
                MissingDays++;
                LastMissingIndex = i;
            }

            if (provisional[i])
            {
                ProvisionalDays++;
                FirstProvisionalIndex ??= i;
            }
        }
    }

    public DateOnly FirstDate { get; }

    public DateOnly LastDate => FirstDate.AddDays(_values.Length - 1);

    public int Count => _values.Length;

    /// <summary>Daily total sunspot number; NaN where the day has no observation.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Standard deviation of the daily value; NaN where unknown.</summary>
    public ReadOnlySpan<float> StandardDeviations => _standardDeviations;

    public ReadOnlySpan<int> ObservationCounts => _observationCounts;

    /// <summary>True where SILSO marks the value as provisional (it may still be revised).</summary>
    public ReadOnlySpan<bool> Provisional => _provisional;

    public int MissingDays { get; }

    public int ProvisionalDays { get; }

    /// <summary>The last day without observations, or null when every day has a value.</summary>
    public DateOnly? LastMissingDate => LastMissingIndex is int i ? DateAt(i) : null;

    public DateOnly? FirstProvisionalDate => FirstProvisionalIndex is int i ? DateAt(i) : null;

    /// <summary>
    /// The day after the last day without observations: from here on every day has a value (the
    /// course drops everything before it). Past <see cref="LastDate"/> when the last day is missing.
    /// </summary>
    public DateOnly ObservedFrom => LastMissingIndex is int i ? DateAt(i + 1) : FirstDate;

    private int? LastMissingIndex { get; }

    private int? FirstProvisionalIndex { get; }

    public DateOnly DateAt(int index) => FirstDate.AddDays(index);

    /// <summary>The index of <paramref name="date"/>, which may lie outside the series (negative, or past the end).</summary>
    public int IndexOf(DateOnly date) => date.DayNumber - FirstDate.DayNumber;

    public bool Contains(DateOnly date) => date >= FirstDate && date <= LastDate;

    /// <summary>
    /// True when <paramref name="other"/> holds the very same days: dates, values, deviations,
    /// observation counts and markers (a missing day equals a missing day). Two files can differ
    /// in their bytes (line endings, a byte-order mark, spacing) and still hold the same data.
    /// </summary>
    public bool HoldsTheSameDaysAs(SunspotSeries other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return FirstDate == other.FirstDate
            && Values.SequenceEqual(other.Values)
            && StandardDeviations.SequenceEqual(other.StandardDeviations)
            && ObservationCounts.SequenceEqual(other.ObservationCounts)
            && Provisional.SequenceEqual(other.Provisional);
    }
}
