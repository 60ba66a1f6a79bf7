using System.Text.RegularExpressions;

namespace SunspotForecaster.Testing.Azurite;

/// <summary>
/// Container, table and queue names no other test uses: a readable prefix and 10 hex digits of a
/// new Guid. Tests share one Azurite, so each creates its own resources under such names.
/// </summary>
public static partial class UniqueNames
{
    private const int SuffixLength = 10;
    private const int MaxLength = 63;

    /// <summary>A blob container name, e.g. "sidc-raw-3f2a9c01b4": lowercase letters, digits and single dashes.</summary>
    public static string Container(string prefix) => Dashed(prefix, "container");

    /// <summary>A queue name, e.g. "retrain-requests-3f2a9c01b4": the same rules as containers.</summary>
    public static string Queue(string prefix) => Dashed(prefix, "queue");

    /// <summary>A table name, e.g. "ModelVersions3f2a9c01b4": letters and digits, starting with a letter.</summary>
    public static string Table(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!TablePrefix().IsMatch(prefix) || prefix.Length > MaxLength - SuffixLength)
        {
            throw new ArgumentException(
                $"A table name prefix is 1-{MaxLength - SuffixLength} letters and digits starting with a letter; got \"{prefix}\".", nameof(prefix));
        }

        return prefix + Suffix();
    }

    private static string Dashed(string prefix, string kind)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string lower = prefix.ToLowerInvariant().TrimEnd('-');
        if (!DashedPrefix().IsMatch(lower) || lower.Length > MaxLength - SuffixLength - 1)
        {
            throw new ArgumentException(
                $"A {kind} name prefix is 1-{MaxLength - SuffixLength - 1} lowercase letters, digits and single dashes, starting with a letter or digit; got \"{prefix}\".",
                nameof(prefix));
        }

        return lower + "-" + Suffix();
    }

    private static string Suffix() => Guid.NewGuid().ToString("N")[..SuffixLength];

    [GeneratedRegex("^[a-z0-9](?:-?[a-z0-9])*$")]
    private static partial Regex DashedPrefix();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]*$")]
    private static partial Regex TablePrefix();
}
