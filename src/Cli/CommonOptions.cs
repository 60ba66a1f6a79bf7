using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace SunspotForecaster.Cli;

/// <summary>Options that several commands share, defined once so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print one JSON object on standard output (logs and progress go to standard error).",
        Recursive = true,
    };

    public static Option<string> Data() => new("--data")
    {
        Description = "A SIDC daily sunspot file (SN_d_tot_V2.0.csv): a path or an http(s) URL.",
        HelpName = "FILE|URL",
        Required = true,
    };

    /// <summary>A number within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<double> Number(string name, string description, double defaultValue, double min, double max) =>
        Bounded(name, description, "X", "a number", NumberStyles.Float, defaultValue, min, max);

    /// <summary>One of the names of <typeparamref name="T"/>, in lower case.</summary>
    public static Option<T> Choice<T>(string name, string description, T defaultValue)
        where T : struct, Enum
    {
        string[] names = Enum.GetNames<T>().Select(n => n.ToLowerInvariant()).ToArray();
        return new Option<T>(name)
        {
            Description = $"{description} ({string.Join("|", names)})",
            HelpName = string.Join("|", names),
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (!names.Contains(text, StringComparer.OrdinalIgnoreCase) || !Enum.TryParse(text, ignoreCase: true, out T value))
                {
                    result.AddError($"{name}: '{text}' is not one of {string.Join(", ", names)}.");
                    return defaultValue;
                }

                return value;
            },
        };
    }

    public static Option<DirectoryInfo> ModelDirectory(string name, string description, bool required = true) => new(name)
    {
        Description = description,
        HelpName = "DIR",
        Required = required,
    };

    public static Option<DirectoryInfo> SunspotModelDirectory() =>
        ModelDirectory("--model-dir", "A sunspot model package (from 'sunspots train sunspots').");

    /// <summary>The split-date options, added to <paramref name="command"/>; read them back with <see cref="SplitOptionSet.Read"/>.</summary>
    public static SplitOptionSet SplitDates(Command command)
    {
        var set = new SplitOptionSet(
            Date("--train-start", $"First training day; a later first day of daily observations wins (default {Models.Series.SplitOptions.DefaultTrainStart:yyyy-MM-dd})."),
            Date("--train-end", $"Last day of the training years (default {Models.Series.SplitOptions.DefaultTrainEnd:yyyy-MM-dd})."),
            Date("--validation-start", $"First day of the validation part of the training years (default {Models.Series.SplitOptions.DefaultValidationStart:yyyy-MM-dd})."),
            Date("--test-start", $"First test day (default {Models.Series.SplitOptions.DefaultTestStart:yyyy-MM-dd})."),
            Date("--test-end", "Last test day (default: the last day of the data)."));
        command.Options.Add(set.TrainStart);
        command.Options.Add(set.TrainEnd);
        command.Options.Add(set.ValidationStart);
        command.Options.Add(set.TestStart);
        command.Options.Add(set.TestEnd);
        return set;
    }

    public static Option<int> Window(int defaultDays) =>
        WholeNumber("--window", "Days in each input window; the model predicts the day after.", defaultDays, 1, Models.Series.SeriesPreparation.MaxWindowLength);

    /// <summary>A whole number within [<paramref name="min"/>, <paramref name="max"/>], with a message that says so when it is not.</summary>
    public static Option<int> WholeNumber(string name, string description, int defaultValue, int min, int max) =>
        Bounded(name, description, "N", "a whole number", NumberStyles.AllowLeadingSign, defaultValue, min, max);

    private static Option<T> Bounded<T>(string name, string description, string helpName, string kind, NumberStyles styles, T defaultValue, T min, T max)
        where T : struct, INumber<T>
    {
        string range = string.Create(CultureInfo.InvariantCulture, $"{min}..{max}");
        return new Option<T>(name)
        {
            Description = $"{description} ({range})",
            HelpName = helpName,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (!T.TryParse(text, styles, CultureInfo.InvariantCulture, out T value) || !T.IsFinite(value) || value < min || value > max)
                {
                    result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name}: '{text}' is not {kind} from {min} to {max}."));
                    return defaultValue;
                }

                return value;
            },
        };
    }

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

internal sealed record SplitOptionSet(Option<DateOnly?> TrainStart, Option<DateOnly?> TrainEnd, Option<DateOnly?> ValidationStart, Option<DateOnly?> TestStart, Option<DateOnly?> TestEnd)
{
    public Models.Series.SplitOptions Read(ParseResult parsed) => new()
    {
        TrainStart = parsed.GetValue(TrainStart) ?? Models.Series.SplitOptions.DefaultTrainStart,
        TrainEnd = parsed.GetValue(TrainEnd) ?? Models.Series.SplitOptions.DefaultTrainEnd,
        ValidationStart = parsed.GetValue(ValidationStart) ?? Models.Series.SplitOptions.DefaultValidationStart,
        TestStart = parsed.GetValue(TestStart) ?? Models.Series.SplitOptions.DefaultTestStart,
        TestEnd = parsed.GetValue(TestEnd),
    };
}
