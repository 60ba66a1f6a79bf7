using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// Query strings as the API reads them: only the parameters a route takes, each at most once, so
/// that a typo (<c>?day=7</c>) is named instead of silently ignored. <c>code</c>, the host's
/// function key, is always allowed.
/// </summary>
public static class QueryParameters
{
    public const string FunctionKey = "code";

    /// <summary>A 400 naming the first parameter the route does not take or that came twice; null when all is well.</summary>
    public static IActionResult? Check(HttpRequest request, params string[] known)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach ((string name, Microsoft.Extensions.Primitives.StringValues values) in request.Query)
        {
            if (string.Equals(name, FunctionKey, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!known.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                string takes = known.Length == 0 ? "it takes none" : $"it takes {string.Join(", ", known)}";
                return Problems.BadRequest(name, $"this route has no parameter '{name}'; {takes}.");
            }

            if (values.Count > 1)
            {
                return Problems.BadRequest(name, $"give {name} once; it came {values.Count} times.");
            }
        }

        return null;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or <paramref name="fallback"/> when absent.</summary>
    public static (int Value, IActionResult? Problem) Int(HttpRequest request, string name, int min, int max, int fallback)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? text = request.Query[name];
        if (text is null)
        {
            return (fallback, null);
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? (value, null)
            : (0, Problems.BadRequest(name, $"'{text}' is not a whole number from {min} to {max}."));
    }
}
