using System.Globalization;
using System.Text;

namespace SunspotForecaster.Testing;

/// <summary>
/// Builds synthetic files in SILSO's EISN format (never real values): one row per day of a month,
/// comma-separated, padded with spaces, with the trailing comma SILSO writes; chosen days with few
/// stations.
/// </summary>
public sealed class EisnCsvBuilder
{
    private DateOnly _first = new(2026, 2, 1);
    private int _days = 19;
    private int _stations = 30;
    private readonly Dictionary<DateOnly, int> _fewStations = [];
    private Func<int, float> _values = i => 100 + i % 9;

    public EisnCsvBuilder From(DateOnly first, int days)
    {
        _first = first;
        _days = days;
        return this;
    }

    public EisnCsvBuilder WithStations(int stations)
    {
        _stations = stations;
        return this;
    }

    public EisnCsvBuilder WithFewStations(DateOnly day, int stations)
    {
        _fewStations[day] = stations;
        return this;
    }

    /// <summary>Values by day index (0 = the first day).</summary>
    public EisnCsvBuilder WithValues(Func<int, float> values)
    {
        _values = values;
        return this;
    }

    public DateOnly LastDate => _first.AddDays(_days - 1);

    public float ValueOn(DateOnly day) => _values(day.DayNumber - _first.DayNumber);

    public string Build()
    {
        var text = new StringBuilder();
        for (int i = 0; i < _days; i++)
        {
            DateOnly date = _first.AddDays(i);
            int stations = _fewStations.GetValueOrDefault(date, _stations);
            text.Append(Row(date, _values(i), 12.5f, stations, Math.Max(stations, 35))).Append('\n');
        }

        return text.ToString();
    }

    public byte[] BuildBytes() => Encoding.ASCII.GetBytes(Build());

    public string WriteTo(string directory, string name = "EISN_current.csv")
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, Build());
        return path;
    }

    /// <summary>One row as SILSO writes it, e.g. <c>2026,02,19,2026.136,  112, 12.5, 30, 35,</c>.</summary>
    public static string Row(DateOnly date, float value, float deviation, int stations, int available)
    {
        double decimalDate = date.Year + (date.DayOfYear - 0.5) / (DateTime.IsLeapYear(date.Year) ? 366.0 : 365.0);
        return string.Create(CultureInfo.InvariantCulture,
            $"{date.Year:0000},{date.Month:00},{date.Day:00},{decimalDate:0.000},{value,5:0},{deviation,5:0.0},{stations,3},{available,3},");
    }
}
