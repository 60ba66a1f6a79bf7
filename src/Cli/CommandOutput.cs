using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SunspotForecaster.Cli;

/// <summary>Writes a command's result as text or as one JSON object, and failures as a message (and, with --json, a JSON error).</summary>
internal static class CommandOutput
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static int Write<T>(ParseResult parsed, T result, Action<TextWriter, T> writeText)
    {
        TextWriter output = parsed.InvocationConfiguration.Output;
        if (parsed.GetValue(CommonOptions.Json))
        {
            output.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
        }
        else
        {
            writeText(output, result);
        }

        return ExitCodes.Success;
    }

    /// <summary>A figure of a text table, or "-" where there is none.</summary>
    public static string Figure(double? value, string format = "0.000") =>
        value is double v ? v.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "-";

    public static int Fail(TextWriter output, TextWriter error, bool json, int exitCode, string message)
    {
        error.WriteLine($"error: {message}");
        if (json)
        {
            WriteJsonError(output, exitCode, message);
        }

        return exitCode;
    }

    public static void WriteJsonError(TextWriter output, int exitCode, string message) =>
        output.WriteLine(JsonSerializer.Serialize(new { error = message, exitCode }, JsonOptions));
}
