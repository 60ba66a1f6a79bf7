using System.CommandLine;
using SunspotForecaster.Cli.Commands;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Packaging;

namespace SunspotForecaster.Cli;

/// <summary>
/// The <c>sunspots</c> command: parses, runs one subcommand, and turns every failure into a
/// message and an exit code (2 for bad arguments or input, 1 for anything else), never a stack trace.
/// </summary>
internal static class SunspotsCli
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand("Sunspot Forecaster: daily sunspot numbers from WDC-SILSO, recurrent-network forecasts, and the tools around them.")
        {
            DataCommand.Create(),
            TrainCommand.Create(),
            ModelCommands.CreateEvaluate(),
            ModelCommands.CreateForecast(),
            CarsCommand.CreateClassify(),
            ModelCommands.CreateBench(),
        };
        root.Options.Add(CommonOptions.Json);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ParseResult parsed = CreateRootCommand().Parse(args);
        bool json = args.Contains(CommonOptions.Json.Name);
        if (parsed.Errors.Count > 0)
        {
            string problems = string.Join(" ", parsed.Errors.Select(e => e.Message));
            return CommandOutput.Fail(output, error, json, ExitCodes.BadInput,
                $"{problems} Run 'sunspots --help' (or 'sunspots COMMAND --help') for the usage.");
        }

        var configuration = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parsed.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception e) when (IsBadInput(e))
        {
            return CommandOutput.Fail(output, error, json, ExitCodes.BadInput, UserMessage(e));
        }
        catch (OperationCanceledException)
        {
            return CommandOutput.Fail(output, error, json, ExitCodes.Failure, "Cancelled.");
        }
        catch (Exception e)
        {
            return CommandOutput.Fail(output, error, json, ExitCodes.Failure, $"{e.GetType().Name}: {e.Message}");
        }
    }

    // ArgumentException appends " (Parameter 'name')", which means nothing to a person at a terminal.
    private static string UserMessage(Exception e) =>
        e is ArgumentException { ParamName: string name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    private static bool IsBadInput(Exception e) =>
        e is SidcFormatException or ModelPackageException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException;
}
