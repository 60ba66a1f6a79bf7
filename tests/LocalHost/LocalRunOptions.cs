using System.Globalization;
using SunspotForecaster.Testing;

namespace SunspotForecaster.LocalHost;

/// <summary>The local run's command line; <see cref="Parse"/> says what is wrong with a bad one.</summary>
internal sealed class LocalRunOptions
{
    public const string Usage = """
        Runs the Functions app locally without Core Tools: Azurite, the project's host emulator and the
        built worker, serving http://127.0.0.1:7071/api/... with the timers on their schedules and the
        retrain queue polled, until Ctrl-C.

          bash scripts/run-local.sh [options]

          --port N             the host's HTTP port on 127.0.0.1 (default 7071; 0: a free port)
          --azurite-port N     Azurite's blob port; the queue's is N+1 and the table's N+2 (default 10000,
                               what UseDevelopmentStorage=true means). An Azurite already answering on
                               all three is used and left running. 0: free ports, storage in memory
          --azurite-data DIR   where a started Azurite keeps its data (default .azurite/, which
                               scripts/run-pipeline.sh uses too)
          --settings FILE      the local.settings.json to read (default src/Functions/local.settings.json,
                               else the repository root's, else local.settings.sample.json)
          --set NAME=VALUE     an app setting over the file's; repeatable (--set Training__BudgetMinutes=5)
          --source FILE|URL    the SILSO daily file the ingest timer downloads (Ingest:SourceUrl); a file
                               (data/SN_d_tot_V2.0.csv.gz, say) is served from 127.0.0.1. Implies --ingest-now
          --ingest-now         fire IngestSunspots once at start-up, besides its schedule
          --key KEY            the function key of the admin routes (default: a new one each run, printed)
          --verbose            print the worker's debug and trace logs too
          --no-build           (scripts/run-local.sh) run what is built, without building
          --help               this text
        """;

    public int Port { get; private set; } = 7071;

    public int AzuritePort { get; private set; } = 10000;

    public string AzuriteData { get; private set; } = Path.Combine(RepositoryPaths.Root, ".azurite");

    public string? SettingsFile { get; private set; }

    public IReadOnlyList<KeyValuePair<string, string>> Overrides => _overrides;

    public string? Source { get; private set; }

    public bool IngestNow { get; private set; }

    public string FunctionKey { get; private set; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();

    public bool Verbose { get; private set; }

    public bool Help { get; private set; }

    private readonly List<KeyValuePair<string, string>> _overrides = [];

    /// <summary>Reads <paramref name="args"/>; an <see cref="ArgumentException"/> says which one is wrong and why.</summary>
    public static LocalRunOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LocalRunOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            switch (name)
            {
                case "--port":
                    options.Port = ReadPort(name, Value(args, ref i), 65535);
                    break;
                case "--azurite-port":
                    options.AzuritePort = ReadPort(name, Value(args, ref i), 65533);
                    break;
                case "--azurite-data":
                    options.AzuriteData = Path.GetFullPath(Value(args, ref i));
                    break;
                case "--settings":
                    string file = Value(args, ref i);
                    options.SettingsFile = File.Exists(file) ? Path.GetFullPath(file) : throw new ArgumentException($"--settings: there is no file '{file}'.");
                    break;
                case "--set":
                    string assignment = Value(args, ref i);
                    int equals = assignment.IndexOf('=', StringComparison.Ordinal);
                    options._overrides.Add(equals > 0
                        ? new(assignment[..equals].Trim(), assignment[(equals + 1)..])
                        : throw new ArgumentException($"--set wants NAME=VALUE (Training__BudgetMinutes=5, say), not '{assignment}'."));
                    break;
                case "--source":
                    string source = Value(args, ref i);
                    options.Source = Models.Data.SidcSource.IsUrl(source) || File.Exists(source)
                        ? source
                        : throw new ArgumentException($"--source: '{source}' is neither an http(s) URL nor a file{(Directory.Exists(source) ? " (it is a folder; give the file itself)" : "")}.");
                    options.IngestNow = true;
                    break;
                case "--ingest-now":
                    options.IngestNow = true;
                    break;
                case "--key":
                    string key = Value(args, ref i);
                    options.FunctionKey = key.Length > 0 && key.All(char.IsAsciiLetterOrDigit)
                        ? key
                        : throw new ArgumentException($"--key: a function key is letters and digits, not '{key}'.");
                    break;
                case "--verbose":
                    options.Verbose = true;
                    break;
                case "--help" or "-h":
                    options.Help = true;
                    break;
                case "--no-build":
                    throw new ArgumentException("--no-build is scripts/run-local.sh's; give it to the script, or run the program without it.");
                default:
                    throw new ArgumentException($"Unknown option '{name}'.");
            }
        }

        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        string name = args[i];
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name} wants a value.");
        }

        return args[++i];
    }

    private static int ReadPort(string name, string text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= max
            ? port
            : throw new ArgumentException($"{name}: a port is 0 (a free one) to {max}, not '{text}'.");
}
