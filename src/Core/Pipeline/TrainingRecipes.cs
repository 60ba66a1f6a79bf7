using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Classification;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// The recipe each model kind is retrained with (the defaults, with the job's budget from
/// <see cref="RetrainJobOptions"/>), and its fingerprint: what decides whether a
/// version "was trained from the same data and settings" (the same work is never done twice).
/// </summary>
public sealed class TrainingRecipes(IOptions<RetrainJobOptions> options)
{
    public ForecasterRecipe Forecaster => new() { Budget = TimeSpan.FromMinutes(options.Value.BudgetMinutes) };

    public CarColourRecipe Cars => new();

    /// <summary>SHA-256 of the settings that decide <paramref name="model"/>'s weights (not the budget, which only cuts a run short).</summary>
    public string Fingerprint(string model) => ModelKind.Parse(model) == ModelKind.Sunspots ? Forecaster.Fingerprint() : Cars.Fingerprint();
}
