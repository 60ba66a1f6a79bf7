namespace SunspotForecaster.Infrastructure.Tests.Support;

/// <summary>
/// infra/bicep/main.bicep built and linted once for all the tests in the
/// <see cref="CompiledBicepCollection"/> (each run of the CLI takes a second or two).
/// </summary>
public sealed class CompiledBicep : IAsyncLifetime
{
    private ArmTemplate? _template;

    public BicepResult Build { get; private set; } = null!;

    public BicepResult Lint { get; private set; } = null!;

    /// <summary>The compiled template; a failed build fails every test that reads it, with bicep's errors.</summary>
    public ArmTemplate Template => _template ?? throw new InvalidOperationException(Build.ToString());

    public async Task InitializeAsync()
    {
        var build = BicepCli.RunAsync("build", RepositoryPaths.MainBicep, "--stdout");
        var lint = BicepCli.RunAsync("lint", RepositoryPaths.MainBicep);
        Build = await build;
        Lint = await lint;
        _template = Build.ExitCode == 0 ? ArmTemplate.Parse(Build.StandardOutput) : null;
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
