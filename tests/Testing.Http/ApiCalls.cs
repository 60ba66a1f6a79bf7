using System.Net.Http.Headers;
using System.Text;

namespace SunspotForecaster.Testing.Http;

/// <summary>The calls the tests make, over real HTTP.</summary>
public static class ApiCalls
{
    public static async Task<ApiAnswer> GetAnswerAsync(this HttpClient client, string path)
    {
        ArgumentNullException.ThrowIfNull(client);
        return await ApiAnswer.ReadAsync(await client.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false)).ConfigureAwait(false);
    }

    public static async Task<ApiAnswer> PostAnswerAsync(this HttpClient client, string path, string body, string contentType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(client);
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await ApiAnswer.ReadAsync(await client.PostAsync(new Uri(path, UriKind.Relative), content).ConfigureAwait(false)).ConfigureAwait(false);
    }
}
