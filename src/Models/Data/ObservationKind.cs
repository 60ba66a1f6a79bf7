using System.Text.Json.Serialization;

namespace SunspotForecaster.Models.Data;

/// <summary>How final a day's value is: definitive, provisional (the daily file, may still be revised), or estimate (EISN, replaced by the file's provisional value at month end).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ObservationKind>))]
public enum ObservationKind
{
    [JsonStringEnumMemberName("definitive")]
    Definitive,

    [JsonStringEnumMemberName("provisional")]
    Provisional,

    [JsonStringEnumMemberName("estimate")]
    Estimate,
}
