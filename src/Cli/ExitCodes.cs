namespace SunspotForecaster.Cli;

/// <summary>The exit codes of the contract in DESIGN.md.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
}
