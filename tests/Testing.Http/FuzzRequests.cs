using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Xunit;

namespace SunspotForecaster.Testing.Http;

/// <summary>One generated request; <see cref="ToString"/> is what a failure prints.</summary>
public sealed record FuzzRequest(string Method, string Path, string Query, string Kind, byte[]? Body, string? ContentType, bool Chunked)
{
    public override string ToString() =>
        $"{Method} {Path}{Query[..Math.Min(Query.Length, 300)]} [{Kind}] Content-Type: {ContentType ?? "(none)"}{(Chunked ? ", chunked" : "")}, body {Body?.Length ?? 0} bytes: {(Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 200)))}";

    /// <summary>The request as a client sends it (relative to the base address); a body without a length goes chunked.</summary>
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), new Uri(Path.TrimStart('/') + Query, UriKind.Relative));
        if (Body is { } body)
        {
            // Without a length the client sends the body chunked, as a streaming caller does.
            HttpContent content = Chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
            content.Headers.ContentType = ContentType is null ? null : MediaTypeHeaderValue.Parse(ContentType);
            if (Chunked)
            {
                message.Headers.TransferEncodingChunked = true;
            }

            message.Content = content;
        }

        return message;
    }
}

/// <summary>
/// The fuzz tests' requests, shared by the stand-in's run (tests/Functions.Tests) and the real
/// worker's (tests/Worker.Tests): malformed and truncated JSON, wrong types, NaN, Infinity, -0,
/// 1e308, deep nesting, huge arrays, 10 MB bodies, chunked bodies without Content-Length, wrong
/// content types, unknown or repeated query parameters, non-ASCII; and what every answer to them must be.
/// </summary>
public static class FuzzRequests
{
    private static readonly string[] Unknown = ["day", "Days", "dayz", "höhe", "日数", "a[b]", "x", "days ", "%FF"];

    private static readonly Gen<string> QueryValue = Gen.OneOf(
        Gen.Int[-5, 40].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Int[-5000, 5000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("", "NaN", "Infinity", "-Infinity", "-0", "1e308", "1e309", "2147483648", "-2147483649", "99999999999999999999",
            "7.5", "0x10", "+3", " 3", "3 ", "三", "٣", "３", "sunspots", "cars", "unicorns", "SUNSPOTS", "é", "%00", "null", "true", "[1]"),
        Gen.String[Gen.Char, 0, 40],
        // Long, but the whole URL within the host's 4 KB (it answers longer ones itself, before any function runs).
        Gen.Int[1, 900].Select(n => new string('9', n)));

    /// <summary>The route's own parameters and others, sometimes repeated, sometimes the host's <c>code</c>.</summary>
    private static Gen<string> Query(string[] known) =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 1_000_000], Gen.Bool, Gen.Int[0, 9]).SelectMany((count, pick, repeat, extra) =>
            Gen.Select(QueryValue.Array[count], QueryValue).Select((values, repeated) =>
            {
                var pairs = new List<(string, string)>();
                for (int i = 0; i < count; i++)
                {
                    string name = known.Length > 0 && (pick + i) % 3 != 0 ? known[(pick + i) % known.Length] : Unknown[(pick + i) % Unknown.Length];
                    pairs.Add((name, values[i]));
                }

                if (repeat && pairs.Count > 0)
                {
                    pairs.Add((pairs[0].Item1, repeated));
                }

                if (extra == 0)
                {
                    pairs.Add(("code", "not-the-key"));
                }

                return pairs.Count == 0 ? "" : "?" + string.Join("&", pairs.Select(p => $"{Uri.EscapeDataString(p.Item1)}={Uri.EscapeDataString(p.Item2)}"));
            }));

    private static readonly Gen<string> JsonNumber = Gen.OneOf(
        Gen.Float[0, 400].Select(f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Int[-10, 400].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf("NaN", "Infinity", "-Infinity", "-0", "-0.0", "1e308", "1e309", "-1e308", "4.9e-324", "123456789012345678901234567890", "1E2", "01", ".5", "5.", "+5", "0x10"));

    private static readonly Gen<string> JsonValue = Gen.OneOf(
        JsonNumber,
        Gen.OneOf("null", "true", "false", "\"\"", "\"March\"", "\"2026-02-30\"", "\"9999-12-31\"", "\"1818-01-01\"", "\"2026-01-15\"", "\"ñ日\\ud800\"", "{}", "[]", "\"NaN\"", "\"42\"", "[1,2]", "{\"a\":1}"),
        Gen.String[Gen.Char, 0, 20].Select(s => JsonSerializer.Serialize(s)));

    private static Gen<string> NumberArray(int min, int max) => JsonNumber.Array[min, max].Select(a => "[" + string.Join(",", a) + "]");

    /// <summary>A body near what the route reads, so that the checks behind the parser are reached too.</summary>
    private static Gen<string> NearValid(string path) => path switch
    {
        "/api/forecast" => Gen.Select(Gen.OneOf(NumberArray(0, 80), Gen.Int[55, 65].Select(n => "[" + string.Join(",", Enumerable.Repeat("50", n)) + "]"), JsonValue), Gen.OneOf(JsonNumber, JsonValue), Gen.OneOf(JsonValue, Gen.Date.Select(d => $"\"{d:yyyy-MM-dd}\"")), Gen.Int[0, 7])
            .Select((history, days, lastDate, drop) => "{" + string.Join(",", new[] { $"\"history\":{history}", $"\"days\":{days}", $"\"lastDate\":{lastDate}", "\"extra\":[1]" }.Where((_, i) => (drop >> i & 1) == 0 || i == 3 && drop == 7)) + "}"),
        "/api/classify" => Gen.OneOf(
            Gen.Int[-1, 4].Array[0, 300].Select(a => "{\"sequence\":[" + string.Join(",", a) + "]}"),
            JsonValue.Select(v => "{\"sequence\":" + v + "}"),
            NumberArray(0, 10).Select(a => "{\"sequence\":" + a + "}"),
            Gen.Const("{\"steps\":[1]}")),
        "/api/retrain" => Gen.OneOf(JsonValue.Select(v => "{\"model\":" + v + "}"), Gen.OneOf("{\"model\":\"sunspots\"}", "{\"model\":\"cars\"}", "{\"model\":\"SUNSPOTS\"}", "{}")),
        _ => JsonValue,
    };

    private static Gen<(string Kind, byte[] Body)> Body(string path) => Gen.Int[0, 99].SelectMany(roll => roll switch
    {
        < 35 => NearValid(path).Select(b => ("near-valid", Encoding.UTF8.GetBytes(b))),
        < 45 => Gen.Select(NearValid(path), Gen.Int[0, 1000]).Select((b, cut) => ("truncated", Encoding.UTF8.GetBytes(b[..(cut % Math.Max(1, b.Length))]))),
        < 52 => Gen.Byte.Array[0, 200].Select(b => ("random bytes", b)),
        < 58 => Gen.String[Gen.Char, 0, 200].Select(s => ("random text", Encoding.UTF8.GetBytes(s))),
        < 64 => Gen.Select(Gen.Int[2, 100_000], Gen.Bool).Select((depth, objects) => ("deep nesting", Encoding.UTF8.GetBytes(objects
            ? string.Concat(Enumerable.Repeat("{\"history\":", depth)) + "1" + new string('}', depth)
            : "{\"history\":" + new string('[', depth) + new string(']', depth) + "}"))),
        < 70 => Gen.Int[1_000, 300_000].Select(n => ("huge array", Encoding.UTF8.GetBytes("{\"history\":[" + string.Join(",", Enumerable.Repeat("12.5", n)) + "],\"sequence\":[" + string.Join(",", Enumerable.Repeat("1", Math.Min(n, 50_000))) + "]}"))),
        < 72 => Gen.Bool.Select(digits => ("10 MB", digits
            ? Encoding.ASCII.GetBytes("{\"history\":[" + string.Join(",", Enumerable.Repeat("1", 5 * 1024 * 1024 - 8)) + "]}")
            : Encoding.ASCII.GetBytes("{\"history\":\"" + new string('x', 10 * 1024 * 1024) + "\"}"))),
        < 78 => NearValid(path).Select(b => ("non-ASCII", Encoding.UTF8.GetBytes(b.Replace("history", "hístory", StringComparison.Ordinal).Replace("\"days\"", "\"日\"", StringComparison.Ordinal) + " \u00a0"))),
        < 82 => NearValid(path).Select(b => ("UTF-8 with BOM", Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(b)).ToArray())),
        < 86 => NearValid(path).Select(b => ("UTF-16", Encoding.Unicode.GetBytes(b))),
        < 90 => NearValid(path).Select(b => ("invalid UTF-8", Encoding.UTF8.GetBytes(b).Concat(new byte[] { 0xC3, 0x28, 0xFF }).ToArray())),
        < 94 => Gen.Const(("empty", Array.Empty<byte>())),
        _ => NearValid(path).Select(b => ("duplicate members", Encoding.UTF8.GetBytes(b.Length > 2 ? b[..^1] + "," + b[1..] : b))),
    });

    private static readonly Gen<string?> ContentType = Gen.Int[0, 99].SelectMany(roll => roll < 70
        ? Gen.Const<string?>("application/json")
        : Gen.OneOf<string?>(null, "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", "application/xml", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/problem+json", "text/json", "*/*", "application/jsonp"));

    /// <summary>Requests across every method of every route in <paramref name="routes"/>, in equal shares.</summary>
    public static Gen<FuzzRequest> Across(IEnumerable<HttpFunctionRoute> routes) =>
        Gen.OneOf([.. routes.SelectMany(route => route.Methods.Select(method => Request(route, method.ToUpperInvariant())))]);

    private static Gen<FuzzRequest> Request(HttpFunctionRoute route, string method)
    {
        string[] known = route.Name switch
        {
            "GetForecast" => ["days"],
            "GetForecastChart" => ["days", "history"],
            "ListModels" => ["model"],
            "GetSkill" => ["model"],
            _ => [],
        };
        Gen<string> path = route.Route.Contains('{', StringComparison.Ordinal)
            ? Gen.Select(Gen.OneOf("sunspots", "cars", "unicorns", "Sunspots", "日", "a b", "%2F", "x.y"), Gen.OneOf(Gen.Int[-3, 5], Gen.Int))
                .Select((name, version) => "/api/models/" + Uri.EscapeDataString(name) + "/" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/promote")
            : Gen.Const("/" + route.Route);
        if (method == "GET")
        {
            return Gen.Select(path, Query(known)).Select((p, q) => new FuzzRequest(method, p, q, "query", null, null, false));
        }

        return Gen.Select(path, Query(known), Body("/" + route.Route), ContentType, Gen.Int[0, 4])
            .Select((p, q, body, contentType, chunked) => new FuzzRequest(method, p, q, body.Kind, body.Body, contentType, chunked == 0));
    }

    /// <summary>
    /// Fails unless <paramref name="answer"/> is what the contract allows for any request: no 5xx,
    /// and every 4xx problem+json naming the field to fix, with its own status and no .NET type or
    /// stack in it.
    /// </summary>
    /// <param name="answer">The answer.</param>
    /// <param name="context">What a failure prints besides the answer (the server's side of it).</param>
    public static void Check(ApiAnswer answer, Func<string> context)
    {
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(context);
        Assert.True(answer.Status < 500, $"{answer.Status}: {answer.Body}\n{(answer.Status < 500 ? "" : context())}");
        if (answer.Status is >= 400 and < 500)
        {
            Assert.True(answer.IsProblem, $"{answer.Status} answered as {answer.MediaType}: {answer.Body}");
            using JsonDocument problem = JsonDocument.Parse(answer.Body);
            Assert.True(problem.RootElement.TryGetProperty("field", out JsonElement field) && field.GetString() is { Length: > 0 }, $"{answer.Status} names no field: {answer.Body}");
            Assert.Equal(answer.Status, problem.RootElement.GetProperty("status").GetInt32());
            Assert.DoesNotContain("   at ", answer.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", answer.Body, StringComparison.Ordinal);
        }
    }
}
