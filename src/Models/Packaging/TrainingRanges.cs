namespace SunspotForecaster.Models.Packaging;

/// <summary>The date ranges a sunspot model was trained, validated and tested on.</summary>
public sealed record TrainingRanges(DateSpan Train, DateSpan Validation, DateSpan Test);
