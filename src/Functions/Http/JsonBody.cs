using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Functions.Http;

/// <summary>Reads a JSON body within a size limit and a deadline; every problem becomes a 400, 408, 413 or 415 answer, never an exception.</summary>
public static class JsonBody
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<(T? Value, IActionResult? Problem)> ReadAsync<T>(HttpRequest request, ServingOptions limits, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(limits);
        int maxBytes = limits.MaxBodyBytes;
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.UnsupportedMediaType($"Send the body as application/json; it came as '{request.ContentType ?? "(none)"}'."));
        }

        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.TooLarge("body", $"The body has {request.ContentLength} bytes; at most {maxBytes} are accepted."));
        }

        var buffer = new MemoryStream();
        byte[] chunk = new byte[16_384];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(limits.BodyReadSeconds));
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, deadline.Token)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                {
                    return (null, Problems.TooLarge("body", $"The body is longer than the {maxBytes} bytes accepted."));
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, Problems.Timeout("body", $"The body did not arrive within {limits.BodyReadSeconds} s ({buffer.Length} bytes came); send it whole and at once."));
        }

        if (buffer.Length == 0)
        {
            return (null, Problems.BadRequest("body", "the body is empty; send a JSON object."));
        }

        try
        {
            T? value = JsonSerializer.Deserialize<T>(buffer.ToArray(), Options);
            return value is null ? (null, Problems.BadRequest("body", "send a JSON object, not null.")) : (value, null);
        }
        catch (JsonException e)
        {
            string field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return (null, Problems.BadRequest(field, $"not valid JSON for this request ({ForPeople(e)})"));
        }
    }

    // The serializer names .NET types ("could not be converted to System.Single[]"): say what to send instead.
    private static string ForPeople(JsonException e)
    {
        string message = e.Message.Split(" Path:")[0];
        const string Conversion = "could not be converted to ";
        int at = message.IndexOf(Conversion, StringComparison.Ordinal);
        if (at < 0)
        {
            return message;
        }

        string expected = message[(at + Conversion.Length)..].TrimEnd('.', ' ') switch
        {
            "System.Single[]" or "System.Double[]" => "a list of numbers",
            "System.Int32[]" => "a list of whole numbers",
            "System.Single" or "System.Double" or "System.Nullable`1[System.Single]" or "System.Nullable`1[System.Double]" => "a number",
            "System.Int32" or "System.Nullable`1[System.Int32]" => "a whole number",
            "System.String" => "a string",
            _ => "a value of another type",
        };
        return $"expected {expected}";
    }
}
