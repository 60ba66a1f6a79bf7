namespace SunspotForecaster.Models.Data;

/// <summary>
/// The input is not a valid file of SIDC's (WDC-SILSO at the Royal Observatory of Belgium): the
/// daily file SN_d_tot_V2.0.csv, or the daily estimate EISN. <see cref="LineNumber"/> is the first
/// bad line (1-based; 0 when the problem is the file as a whole) and <see cref="Reason"/> says what
/// is wrong in words a person can act on.
/// </summary>
public sealed class SidcFormatException : FormatException
{
    public SidcFormatException(int lineNumber, string reason)
        : this("SIDC file", lineNumber, reason)
    {
    }

    /// <param name="file">How the message names the file: "SIDC file" (the daily file) or "EISN file".</param>
    public SidcFormatException(string file, int lineNumber, string reason)
        : base(lineNumber > 0 ? $"{file}, line {lineNumber}: {reason}" : $"{file}: {reason}")
    {
        LineNumber = lineNumber;
        Reason = reason;
    }

    public int LineNumber { get; }

    public string Reason { get; }
}
