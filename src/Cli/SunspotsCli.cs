using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SunspotForecaster.Cli.Commands;
using SunspotForecaster.Models;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Packaging;

namespace SunspotForecaster.Cli;

/// <summary>
/// The <c>sunspots</c> command: parses, runs one subcommand, and turns every failure into a
/// message and an exit code (2 for bad arguments or input, 1 for anything else), never a stack trace.
/// </summary>
internal static class SunspotsCli
{
    public static RootCommand CreateRootCommand(IConfiguration configuration)
    {
        var root = new RootCommand("Sunspot Forecaster: daily sunspot numbers from WDC-SILSO, recurrent-network forecasts, and the tools around them.")
        {
            DataCommand.Create(),
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            ForecastCommand.Create(),
            ClassifyCommand.Create(),
            BenchCommand.Create(),
            IngestCommand.Create(configuration),
            ModelsCommand.Create(configuration),
            PipelineCommand.Create(configuration),
            SkillCommand.Create(configuration),
            ReplayCommand.Create(),
        };
        root.Options.Add(CommonOptions.Json);
        return root;
    }

    /// <param name="configuration">Storage and ingest settings; by default Azurite, overridden by environment variables.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, IConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        ParseResult parsed = CreateRootCommand(configuration ?? CliServices.DefaultConfiguration()).Parse(args);
        bool json = args.Contains(CommonOptions.Json.Name);
        if (parsed.Errors.Count > 0)
        {
            string problems = string.Join(" ", parsed.Errors.Select(e => e.Message));
            return CommandOutput.Fail(output, error, json, ExitCodes.BadInput,
                $"{problems} Run 'sunspots --help' (or 'sunspots COMMAND --help') for the usage.");
        }

        var invocation = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return await parsed.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e) when (IsStorageUnreachable(e))
        {
            return CommandOutput.Fail(output, error, json, ExitCodes.Failure,
                $"Cannot reach storage ({Innermost(e).Message}). Locally, run scripts/run-pipeline.sh once (it starts Azurite), or set Storage__Blobs, Storage__Tables and Storage__Queues.");
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            return CommandOutput.Fail(output, error, json, ExitCodes.Failure,
                $"The download failed: {e.Message.TrimEnd('.')}. Without internet access, pass a local copy with --source FILE (or --data FILE).");
        }
        catch (System.Reflection.TargetInvocationException e) when (Innermost(e) is FormatException or ArgumentException)
        {
            // A setting the Azure SDK's client factory could not use (the options' check names most first).
            return CommandOutput.Fail(output, error, json, ExitCodes.BadInput, $"A storage setting is not valid: {Innermost(e).Message.TrimEnd('.')}. Check Storage__Blobs, Storage__Tables and Storage__Queues (a connection string; UseDevelopmentStorage=true for Azurite).");
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            return CommandOutput.Fail(output, error, json, ExitCodes.BadInput, e.Message);
        }
        catch (Exception e) when (IsBadInput(e))
        {
            return CommandOutput.Fail(output, error, json, ExitCodes.BadInput, e.ForPeople());
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

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    private static bool IsStorageUnreachable(Exception e) =>
        e is Azure.RequestFailedException { Status: 0 } || (e is AggregateException a && a.InnerExceptions.All(i => i is Azure.RequestFailedException { Status: 0 }));

    private static bool IsBadInput(Exception e) =>
        e is SidcFormatException or ModelPackageException or ArgumentException or KeyNotFoundException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
            or Models.Forecasting.DataTooOldException;
}
