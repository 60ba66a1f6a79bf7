using System.Runtime.InteropServices;
using SunspotForecaster.LocalHost;

// A local run of the Functions app without Core Tools (scripts/run-local.sh builds and starts it):
// see LocalRunOptions.Usage and docs/local.md.
LocalRunOptions options;
try
{
    options = LocalRunOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message} See --help.");
    return 2;
}

if (options.Help)
{
    Console.WriteLine(LocalRunOptions.Usage);
    return 0;
}

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopping.Cancel();
});

try
{
    return await new LocalRun(options, Console.Out).RunAsync(stopping.Token);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or IOException)
{
    Console.Error.WriteLine($"The local run could not start: {e.Message}");
    return 1;
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    Console.Error.WriteLine("Stopped before the host was ready.");
    return 130;
}
