using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SunspotForecaster.Models.Forecasting;

/// <summary>
/// One forecast day's quantiles, at <see cref="PredictionIntervals.Levels"/>, non-decreasing. In
/// JSON an object from level (<c>"0.05"</c>) to value, as the API, the CLI and the ledger give it.
/// Equal when the values are: a forecast day compares by value.
/// </summary>
[JsonConverter(typeof(Json))]
public sealed class ForecastQuantiles : IEquatable<ForecastQuantiles>
{
    private readonly float[] _values;

    /// <param name="values">One per level of <see cref="PredictionIntervals.Levels"/>, non-decreasing.</param>
    public ForecastQuantiles(IReadOnlyList<float> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != PredictionIntervals.Levels.Count)
        {
            throw new ArgumentException($"A forecast has {PredictionIntervals.Levels.Count} quantiles, not {values.Count}.", nameof(values));
        }

        for (int k = 1; k < values.Count; k++)
        {
            if (!(values[k] >= values[k - 1]))
            {
                throw new ArgumentException($"The quantiles must not decrease: {values[k - 1]} at {Key(PredictionIntervals.Levels[k - 1])}, then {values[k]}.", nameof(values));
            }
        }

        _values = [.. values];
    }

    /// <summary>The values, one per level of <see cref="PredictionIntervals.Levels"/>.</summary>
    public IReadOnlyList<float> Values => _values;

    internal ReadOnlySpan<float> Span => _values;

    /// <summary>The lower end of the 90% interval (the 0.05 quantile).</summary>
    public float Lower => _values[0];

    /// <summary>The upper end of the 90% interval (the 0.95 quantile).</summary>
    public float Upper => _values[^1];

    /// <summary>The value at a level of <see cref="PredictionIntervals.Levels"/>.</summary>
    public float this[double level] => _values[IndexOf(level)];

    /// <summary>A level as its JSON key: <c>0.05</c>, <c>0.10</c>, … <c>0.95</c>.</summary>
    public static string Key(double level) => level.ToString("0.00", CultureInfo.InvariantCulture);

    public bool Equals(ForecastQuantiles? other) => other is not null && _values.AsSpan().SequenceEqual(other._values);

    public override bool Equals(object? obj) => Equals(obj as ForecastQuantiles);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (float value in _values)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(", ", PredictionIntervals.Levels.Select((level, k) => $"{Key(level)}: {_values[k].ToString(CultureInfo.InvariantCulture)}"));

    private static int IndexOf(double level)
    {
        for (int k = 0; k < PredictionIntervals.Levels.Count; k++)
        {
            if (Math.Abs(PredictionIntervals.Levels[k] - level) < 1e-9)
            {
                return k;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(level), level, $"Forecasts carry the quantiles {string.Join(", ", PredictionIntervals.Levels.Select(Key))}.");
    }

    // An object from level to value, every level present once.
    private sealed class Json : JsonConverter<ForecastQuantiles>
    {
        public override ForecastQuantiles Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("The quantiles are an object from level to value.");
            }

            var values = new float?[PredictionIntervals.Levels.Count];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string key = reader.GetString()!;
                int k = Enumerable.Range(0, values.Length).FirstOrDefault(i => Key(PredictionIntervals.Levels[i]) == key, -1);
                reader.Read();
                if (k < 0 || values[k] is not null)
                {
                    throw new JsonException($"'{key}' is not one of the quantile levels {string.Join(", ", PredictionIntervals.Levels.Select(Key))}, or comes twice.");
                }

                values[k] = reader.GetSingle();
            }

            if (values.Any(v => v is null))
            {
                throw new JsonException($"The quantiles lack a level of {string.Join(", ", PredictionIntervals.Levels.Select(Key))}.");
            }

            try
            {
                return new ForecastQuantiles([.. values.Select(v => v!.Value)]);
            }
            catch (ArgumentException e)
            {
                throw new JsonException(e.Message, e);
            }
        }

        public override void Write(Utf8JsonWriter writer, ForecastQuantiles value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            for (int k = 0; k < value._values.Length; k++)
            {
                writer.WriteNumber(Key(PredictionIntervals.Levels[k]), value._values[k]);
            }

            writer.WriteEndObject();
        }
    }
}
