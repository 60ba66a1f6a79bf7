namespace SunspotForecaster.Models.Forecasting;

/// <summary>
/// The newest observation is too old for the days asked: a forecast would need a lead above
/// <see cref="ForecastModel.MaxLead"/> (or the model's own <see cref="ForecastModel.Leads"/>), where no
/// quantile was ever fitted or checked.
/// </summary>
public sealed class DataTooOldException(DateOnly lastObservation, DateOnly today, int leadNeeded, int maxLead = ForecastModel.MaxLead)
    : Exception($"The newest observation is from {lastObservation:yyyy-MM-dd}, {today.DayNumber - lastObservation.DayNumber} days before today ({today:yyyy-MM-dd}, UTC); forecasting up to the days asked would need a lead of {leadNeeded} days, and leads go up to {maxLead}.")
{
    public DateOnly LastObservation { get; } = lastObservation;

    public int AgeDays { get; } = today.DayNumber - lastObservation.DayNumber;
}
