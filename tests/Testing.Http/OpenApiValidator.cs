using System.Text.Json.Nodes;
using Json.Schema;
using Xunit;

namespace SunspotForecaster.Testing.Http;

/// <summary>
/// Checks an answer against the OpenAPI document's declared responses of its operation: the status
/// is declared, the declared headers are present, the media type is declared, and a JSON body
/// validates against the operation's schema (with the schemas of <c>components</c>).
/// </summary>
public sealed class OpenApiValidator(JsonObject document)
{
    private readonly JsonObject _schemas = document["components"]!["schemas"]!.AsObject();

    public void Check(string method, string path, ApiAnswer answer)
    {
        JsonObject operation = document["paths"]![path]?[method]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not in the document");
        JsonObject response = operation["responses"]![answer.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?.AsObject()
            ?? throw new Xunit.Sdk.XunitException($"{method} {path} answered {answer.Status}, which the document does not declare: {answer.Body} {string.Join("\n", FunctionsServer.Unhandled)}");
        foreach ((string header, _) in response["headers"]?.AsObject() ?? [])
        {
            Assert.True(answer.Headers.Contains(header) || answer.ContentHeaders.Contains(header), $"{method} {path} {answer.Status} lacks the declared header {header}");
        }

        if (response["content"] is not JsonObject content)
        {
            Assert.Equal("", answer.Body);
        }
        else
        {
            JsonNode media = content[answer.MediaType ?? ""] ?? throw new Xunit.Sdk.XunitException($"{method} {path} {answer.Status} answered {answer.MediaType}, not one of {string.Join(", ", content.Select(c => c.Key))}");
            if (answer.MediaType is "application/json" or "application/problem+json")
            {
                var schema = new JsonObject { ["$defs"] = _schemas.DeepClone(), ["$ref"] = "#/$defs/" + RefName(media["schema"]!) };
                if (RefName(media["schema"]!) is null)
                {
                    schema = new JsonObject { ["$defs"] = _schemas.DeepClone(), ["allOf"] = new JsonArray(media["schema"]!.DeepClone()) };
                }

                JsonSchema compiled = JsonSchema.FromText(schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal));
                EvaluationResults results = compiled.Evaluate(JsonNode.Parse(answer.Body), new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
                Assert.True(results.IsValid, $"{method} {path} {answer.Status} does not match its schema: "
                    + string.Join("; ", results.Details.Where(d => d.Errors is { Count: > 0 }).Select(d => $"{d.InstanceLocation}: {string.Join(", ", d.Errors!.Values)}")) + $"\n{answer.Body}");
            }
        }
    }

    private static string? RefName(JsonNode schema) => schema["$ref"]?.GetValue<string>().Split('/')[^1];
}
