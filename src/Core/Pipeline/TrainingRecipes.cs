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

    /// <summary>
    /// SHA-256 of the settings that decide <paramref name="model"/>'s weights (not the budget, which
    /// only cuts a run short). A sunspot model's includes the package format: a version packed in a
    /// format this code refuses (one without quantiles) is not the same work, so the data it was
    /// trained from are trained again rather than acknowledged.
    /// </summary>
    public string Fingerprint(string model) => ModelKind.Parse(model) == ModelKind.Sunspots
        ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"format {ModelPackage.FormatVersion}: {Forecaster.Fingerprint()}"))))
        : Cars.Fingerprint();
}
