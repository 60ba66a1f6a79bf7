namespace SunspotForecaster.Core.Data;

/// <summary>
/// The input is not a valid SIDC daily sunspot file. <see cref="LineNumber"/> is the first bad
/// line (1-based; 0 when the problem is the file as a whole) and <see cref="Reason"/> says what
/// is wrong in words a person can act on.
/// </summary>
public sealed class SidcFormatException : FormatException
{
    public SidcFormatException(int lineNumber, string reason)
        : base(lineNumber > 0 ? $"SIDC file, line {lineNumber}: {reason}" : $"SIDC file: {reason}")
    {
        LineNumber = lineNumber;
        Reason = reason;
    }

    public int LineNumber { get; }

    public string Reason { get; }
}
