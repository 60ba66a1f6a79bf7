using System.Text.Json.Serialization;

namespace SunspotForecaster.Models.Forecasting;

/// <summary>
/// What a forecast day's value comes from: the network, or — at a lead where another method did
/// better on the validation years — persistence (the last observation), the rotation mean (the mean
/// of the last 27 days, one solar rotation) or the direct linear model of that lead
/// (<see cref="Regression.LinearForecaster"/>).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ForecastMethod>))]
public enum ForecastMethod
{
    [JsonStringEnumMemberName("model")]
    Model,

    [JsonStringEnumMemberName("persistence")]
    Persistence,

    [JsonStringEnumMemberName("rotationMean")]
    RotationMean,

    [JsonStringEnumMemberName("linear")]
    Linear,
}
