using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Classification;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Training;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// The settings each model is retrained with, and their fingerprint: what decides whether a
/// version "was trained from the same data and settings" (the same work is never done twice).
/// </summary>
public sealed class TrainingSettings(IOptions<TrainingOptions> options)
{
    public ForecasterTrainingOptions Forecaster => new() { Budget = TimeSpan.FromMinutes(options.Value.BudgetMinutes) };

    public CarColourTrainingOptions Cars => new();

    /// <summary>SHA-256 of the settings that decide <paramref name="model"/>'s weights (not the budget, which only cuts a run short).</summary>
    public string Fingerprint(string model) => model == ModelKinds.Sunspots ? Forecaster.Fingerprint() : Cars.Fingerprint();
}
