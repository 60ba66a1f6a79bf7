using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SunspotForecaster.Functions.Http;

/// <summary>
/// A 200 JSON answer for a value that many requests share (the cached forecast): serialised once,
/// with the JSON options the worker's MVC output formatter uses, then sent as the same bytes for as
/// long as the value lives. Serialising 30 days per request was most of a cached GET's cost.
/// </summary>
public sealed class SharedJsonAnswer : IActionResult
{
    private const string MediaType = "application/json; charset=utf-8";

    private static readonly ConditionalWeakTable<object, byte[]> Serialized = new();

    private readonly object _value;

    public SharedJsonAnswer(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _value = value;
    }

    public async Task ExecuteResultAsync(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        HttpResponse response = context.HttpContext.Response;
        byte[] body = Serialized.GetValue(_value, value =>
        {
            JsonSerializerOptions options = context.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions;
            return JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options);
        });
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.HttpContext.RequestAborted).ConfigureAwait(false);
    }
}
