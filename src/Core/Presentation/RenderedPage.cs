using System.Security.Cryptography;
using System.Text;

namespace SunspotForecaster.Core.Presentation;

/// <summary>
/// A chart or page ready to send: its content and media type, an entity tag from the content, how
/// long a cache may keep it, and whether it holds a forecast (the page still explains itself when not).
/// </summary>
public sealed record RenderedPage(string Content, string MediaType, string ETag, int MaxAgeSeconds, bool HasForecast)
{
    public static RenderedPage Of(string content, string mediaType, int maxAgeSeconds, bool hasForecast) =>
        new(content, mediaType, $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..24]}\"", maxAgeSeconds, hasForecast);
}
