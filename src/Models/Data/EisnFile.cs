namespace SunspotForecaster.Models.Data;

/// <summary>An EISN file as read: its days (consecutive, in one month), and the SHA-256 and size of the exact bytes.</summary>
public sealed record EisnFile(IReadOnlyList<EisnEstimate> Days, string Sha256, long Bytes)
{
    public DateOnly FirstDate => Days[0].Date;

    public DateOnly LastDate => Days[^1].Date;
}
