namespace SunspotForecaster.Models.Forecasting;

/// <summary>The quantiles of persistence and of the 27-day mean, each fitted to its own errors on the validation years.</summary>
public sealed record BaselineIntervals(PredictionIntervals Persistence, PredictionIntervals RotationMean)
{
    /// <summary>The quantiles of <paramref name="method"/>'s forecast <paramref name="value"/> at <paramref name="lead"/>.</summary>
    public ForecastQuantiles At(ForecastMethod method, float value, int lead) => method switch
    {
        ForecastMethod.Persistence => Persistence.At(value, lead),
        ForecastMethod.RotationMean => RotationMean.At(value, lead),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "The baselines are persistence and the 27-day mean."),
    };
}
