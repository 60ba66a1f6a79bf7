using System.Globalization;
using System.Text;

namespace SunspotForecaster.Testing;

/// <summary>
/// Builds synthetic files in the SIDC daily format (never an excerpt of the real one): an 11-year
/// cycle plus seeded noise, with chosen days missing (-1) and a provisional tail.
/// </summary>
public sealed class SidcCsvBuilder
{
    private DateOnly _start = new(1950, 1, 1);
    private int _days = 400;
    private int _seed = 7;
    private readonly HashSet<DateOnly> _missing = [];
    private DateOnly? _provisionalFrom;
    private Func<int, float>? _values;

    public SidcCsvBuilder StartingOn(DateOnly start)
    {
        _start = start;
        return this;
    }

    public SidcCsvBuilder WithDays(int days)
    {
        _days = days;
        return this;
    }

    public SidcCsvBuilder WithSeed(int seed)
    {
        _seed = seed;
        return this;
    }

    public SidcCsvBuilder WithMissing(params DateOnly[] days)
    {
        _missing.UnionWith(days);
        return this;
    }

    public SidcCsvBuilder WithProvisionalFrom(DateOnly day)
    {
        _provisionalFrom = day;
        return this;
    }

    /// <summary>Values by day index (0 = the first day) instead of the synthetic cycle.</summary>
    public SidcCsvBuilder WithValues(Func<int, float> values)
    {
        _values = values;
        return this;
    }

    public DateOnly LastDate => _start.AddDays(_days - 1);

    public IReadOnlyList<float> Values()
    {
        var random = new Random(_seed);
        var values = new float[_days];
        for (int i = 0; i < _days; i++)
        {
            DateOnly date = _start.AddDays(i);
            float cycle = _values?.Invoke(i)
                ?? MathF.Round(MathF.Max(0, 80 + 70 * MathF.Sin(2 * MathF.PI * date.DayNumber / 4018f) + (float)(random.NextDouble() * 30 - 15)));
            values[i] = _missing.Contains(date) ? -1 : cycle;
        }

        return values;
    }

    public string Build()
    {
        IReadOnlyList<float> values = Values();
        var text = new StringBuilder(_days * 40);
        for (int i = 0; i < _days; i++)
        {
            DateOnly date = _start.AddDays(i);
            bool missing = values[i] < 0;
            bool provisional = _provisionalFrom is DateOnly p && date >= p;
            text.Append(Row(date, values[i], missing ? -1 : 5.5f, missing ? 0 : 20, provisional ? 0 : 1)).Append('\n');
        }

        return text.ToString();
    }

    public byte[] BuildBytes() => Encoding.ASCII.GetBytes(Build());

    public string WriteTo(string directory, string name = "SN_d_tot_V2.0.csv")
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, Build());
        return path;
    }

    /// <summary>One row exactly as SILSO writes it.</summary>
    public static string Row(DateOnly date, float value, float standardDeviation, int observations, int marker)
    {
        double decimalDate = date.Year + (date.DayOfYear - 0.5) / (DateTime.IsLeapYear(date.Year) ? 366.0 : 365.0);
        return string.Create(CultureInfo.InvariantCulture,
            $"{date.Year:0000};{date.Month:00};{date.Day:00};{decimalDate:0.000};{value,5:0};{standardDeviation,5:0.0};{observations,4};{marker}");
    }
}
