using System.Globalization;

namespace SunspotForecaster.Models.Data;

/// <summary>
/// The days a forecast starts from: the daily file, then the EISN estimates after its last day,
/// each day keeping its kind. Where both have a day, the file wins. An estimate counts only when
/// enough stations reported, and only for a day before today (today's row is partial: SILSO
/// recomputes it through the day). Days that neither holds are missing (NaN).
/// </summary>
public sealed class ObservedSeries
{
    private readonly float[] _values;
    private readonly ObservationKind[] _kinds;

    private ObservedSeries(DateOnly firstDate, float[] values, ObservationKind[] kinds, EisnUse eisn)
    {
        FirstDate = firstDate;
        _values = values;
        _kinds = kinds;
        Eisn = eisn;
        for (int i = values.Length - 1; i >= 0; i--)
        {
            if (float.IsFinite(values[i]))
            {
                LastObservedIndex = i;
                break;
            }
        }
    }

    public DateOnly FirstDate { get; }

    public DateOnly LastDate => FirstDate.AddDays(_values.Length - 1);

    public int Count => _values.Length;

    /// <summary>The daily values, NaN where a day has none.</summary>
    public ReadOnlySpan<float> Values => _values;

    public EisnUse Eisn { get; }

    /// <summary>The index of the last day with a value, or -1 when none has.</summary>
    public int LastObservedIndex { get; } = -1;

    public ObservationKind KindAt(int index) => _kinds[index];

    public DateOnly DateAt(int index) => FirstDate.AddDays(index);

    public int IndexOf(DateOnly date) => date.DayNumber - FirstDate.DayNumber;

    /// <summary>The same days, with <paramref name="note"/> saying why EISN added none.</summary>
    public ObservedSeries WithEisnNote(string note) => new(FirstDate, _values, _kinds, Eisn with { Note = note });

    /// <summary>
    /// The file's days, then <paramref name="eisn"/>'s days after the file's last day and before
    /// <paramref name="today"/>, each with at least <paramref name="minStations"/> stations.
    /// </summary>
    public static ObservedSeries Combine(SunspotSeries file, EisnFile? eisn, int minStations, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(file);
        var usable = new List<EisnEstimate>();
        int fewStations = 0;
        string? note = eisn is null ? "no EISN copy has been stored" : null;
        if (eisn is not null)
        {
            foreach (EisnEstimate day in eisn.Days)
            {
                if (day.Date <= file.LastDate || day.Date >= today)
                {
                    continue;
                }

                if (day.Stations < minStations || !float.IsFinite(day.Value))
                {
                    fewStations++;
                    continue;
                }

                usable.Add(day);
            }

            if (eisn.LastDate <= file.LastDate)
            {
                note = string.Create(CultureInfo.InvariantCulture, $"EISN ends on {eisn.LastDate:yyyy-MM-dd}, not after the daily file's last day {file.LastDate:yyyy-MM-dd}: nothing to add");
            }
            else if (fewStations > 0)
            {
                note = string.Create(CultureInfo.InvariantCulture, $"{fewStations} EISN day(s) without a value from at least {minStations} stations were skipped");
            }
        }

        DateOnly last = usable.Count > 0 ? usable[^1].Date : file.LastDate;
        int count = last.DayNumber - file.FirstDate.DayNumber + 1;
        var values = new float[count];
        var kinds = new ObservationKind[count];
        file.Values.CopyTo(values);
        ReadOnlySpan<bool> provisional = file.Provisional;
        for (int i = 0; i < file.Count; i++)
        {
            kinds[i] = provisional[i] ? ObservationKind.Provisional : ObservationKind.Definitive;
        }

        values.AsSpan(file.Count).Fill(float.NaN);
        kinds.AsSpan(file.Count).Fill(ObservationKind.Estimate);
        foreach (EisnEstimate day in usable)
        {
            values[day.Date.DayNumber - file.FirstDate.DayNumber] = day.Value;
        }

        return new ObservedSeries(file.FirstDate, values, kinds, new EisnUse(usable.Count, usable.Count > 0 ? usable[^1].Date : null, note));
    }
}
