using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace SunspotForecaster.Benchmarks;

/// <summary>
/// BenchmarkDotNet's short run, in this process: no generated project to restore and build, and a
/// run of the whole suite stays under a couple of minutes on a 2-core machine.
/// </summary>
public sealed class QuickInProcessConfig : ManualConfig
{
    public QuickInProcessConfig() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
}
