using System.Text.Json;
using System.Text.Json.Serialization;
using SunspotForecaster.Models.Packaging;

namespace SunspotForecaster.Core.Storage;

/// <summary>
/// The retrain message of DESIGN.md:
/// <c>{"model":"sunspots"|"cars","dataBlob":"…","dataSha256":"…","reason":"new-data"|"manual"|"schedule","requestedAt":"ISO-8601"}</c>.
/// </summary>
public sealed record RetrainRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("dataBlob")] string? DataBlob,
    [property: JsonPropertyName("dataSha256")] string? DataSha256,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("requestedAt")] DateTimeOffset RequestedAt)
{
    public static readonly string[] Reasons = ["new-data", "manual", "schedule"];

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a message; a message that can never succeed throws <see cref="FormatException"/> saying why.</summary>
    public static RetrainRequest Parse(string json)
    {
        RetrainRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<RetrainRequest>(json, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The retrain message is not valid JSON: {e.Message}", e);
        }

        if (request is null)
        {
            throw new FormatException("The retrain message is empty.");
        }

        if (!ModelKind.IsKnown(request.Model))
        {
            throw new FormatException($"The retrain message names model '{request.Model}'; it must be one of {string.Join(", ", ModelKind.All.Select(k => k.Name))}.");
        }

        if (!Reasons.Contains(request.Reason))
        {
            throw new FormatException($"The retrain message gives reason '{request.Reason}'; it must be one of {string.Join(", ", Reasons)}.");
        }

        if (ModelKind.Parse(request.Model).LearnsFromData && (string.IsNullOrWhiteSpace(request.DataBlob) || string.IsNullOrWhiteSpace(request.DataSha256)))
        {
            throw new FormatException("A sunspot retrain message needs 'dataBlob' and 'dataSha256'.");
        }

        return request;
    }
}
