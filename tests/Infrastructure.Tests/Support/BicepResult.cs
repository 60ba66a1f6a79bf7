namespace SunspotForecaster.Infrastructure.Tests.Support;

/// <summary>What one run of the Bicep CLI printed and returned.</summary>
public sealed record BicepResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Diagnostics (warnings, errors, infos) are printed on standard error, one per line.</summary>
    public IReadOnlyList<string> Diagnostics =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() =>
        $"`{Command}` exited with {ExitCode}.{Environment.NewLine}{StandardError}";
}
