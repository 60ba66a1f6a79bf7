using System.CommandLine;
using System.Globalization;

namespace SunspotForecaster.Cli;

/// <summary>Options that several commands share, defined once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print one JSON object on standard output (logs and progress go to standard error).",
        Recursive = true,
    };

    public static Option<FileInfo> DataFile() => new("--data")
    {
        Description = "A SIDC daily sunspot file (SN_d_tot_V2.0.csv).",
        HelpName = "FILE",
        Required = true,
    };

    public static Option<int> Window(int defaultDays) =>
        WholeNumber("--window", "Days in each input window; the model predicts the day after.", defaultDays, 1, Core.Series.SeriesPreparation.MaxWindowLength);

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>], with a message that says so when it is not.</summary>
    public static Option<int> WholeNumber(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        Description = $"{description} ({min}..{max})",
        HelpName = "N",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            {
                result.AddError($"{name}: '{text}' is not a whole number from {min} to {max}.");
                return defaultValue;
            }

            return value;
        },
    };

    /// <summary>An optional date in ISO form (YYYY-MM-DD), with a message that says so when it is not.</summary>
    public static Option<DateOnly?> Date(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "YYYY-MM-DD",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly date))
            {
                return date;
            }

            result.AddError($"{name}: '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2000-01-01.");
            return null;
        },
    };
}
