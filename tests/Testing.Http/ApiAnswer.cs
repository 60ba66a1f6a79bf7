using System.Net.Http.Headers;
using System.Text.Json;

namespace SunspotForecaster.Testing.Http;

/// <summary>An answer read whole off the socket: status, media type, headers and body (as text and, when JSON, parsed).</summary>
public sealed record ApiAnswer(int Status, string? MediaType, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public bool IsProblem => MediaType == "application/problem+json";

    public static async Task<ApiAnswer> ReadAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            return new ApiAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Headers, response.Content.Headers, body);
        }
    }
}
