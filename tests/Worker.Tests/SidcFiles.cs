using System.Globalization;
using System.Text;

namespace SunspotForecaster.Worker.Tests;

/// <summary>Synthetic files in SILSO's daily format (an 11-year-like wave with seeded noise; never an excerpt of the real file).</summary>
internal static class SidcFiles
{
    public static string Daily(DateOnly start, int days, int seed = 7)
    {
        var random = new Random(seed);
        var text = new StringBuilder(days * 40);
        for (int i = 0; i < days; i++)
        {
            DateOnly date = start.AddDays(i);
            float value = MathF.Round(MathF.Max(0, 80 + 70 * MathF.Sin(2 * MathF.PI * date.DayNumber / 4018f) + (float)((random.NextDouble() * 30) - 15)));
            double decimalDate = date.Year + ((date.DayOfYear - 0.5) / (DateTime.IsLeapYear(date.Year) ? 366.0 : 365.0));
            text.Append(string.Create(CultureInfo.InvariantCulture,
                $"{date.Year:0000};{date.Month:00};{date.Day:00};{decimalDate:0.000};{value,5:0};{5.5f,5:0.0};{20,4};1")).Append('\n');
        }

        return text.ToString();
    }
}
