using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots models list|show|promote</c>: the model registry, through the same catalogue the API uses.</summary>
internal static class ModelsCommand
{
    public static Command Create(IConfiguration configuration)
    {
        Option<string> name = ModelName();
        var list = new Command("list", "Registered versions with their figures, and which one is champion.") { name };
        list.SetAction(async (parsed, cancellationToken) =>
        {
            await using ServiceProvider services = CliServices.Create(configuration);
            ModelListing listing = await services.GetRequiredService<ModelCatalog>().ListAsync(parsed.GetRequiredValue(name), cancellationToken);
            return CommandOutput.Write(parsed, listing, WriteListing);
        });

        Option<string> showName = ModelName();
        Option<int> showVersion = Version();
        var show = new Command("show", "One version's row.") { showName, showVersion };
        show.SetAction(async (parsed, cancellationToken) =>
        {
            await using ServiceProvider services = CliServices.Create(configuration);
            ModelVersion version = await services.GetRequiredService<ModelCatalog>().GetAsync(parsed.GetRequiredValue(showName), parsed.GetValue(showVersion), cancellationToken);
            return CommandOutput.Write(parsed, version, (writer, v) => writer.WriteLine(Describe(v, champion: null)));
        });

        Option<string> promoteName = ModelName();
        Option<int> promoteVersion = Version();
        var promote = new Command("promote", "Make a version champion, whatever its figures (also a rollback).") { promoteName, promoteVersion };
        promote.SetAction(async (parsed, cancellationToken) =>
        {
            await using ServiceProvider services = CliServices.Create(configuration);
            Champion champion = await services.GetRequiredService<ModelCatalog>().PromoteAsync(parsed.GetRequiredValue(promoteName), parsed.GetValue(promoteVersion), cancellationToken);
            return CommandOutput.Write(parsed, new { champion.Name, champion.Version, champion.PromotedAt, champion.Reason },
                (writer, c) => writer.WriteLine($"{c.Name} version {c.Version} is champion."));
        });

        return new Command("models", "The model registry: list, show and promote versions.") { list, show, promote };
    }

    private static Option<string> ModelName() => new("--name")
    {
        Description = "The model (sunspots|cars).",
        HelpName = "sunspots|cars",
        DefaultValueFactory = _ => ModelKind.Sunspots.Name,
        Validators =
        {
            result =>
            {
                string? name = result.GetValueOrDefault<string>();
                if (!ModelKind.IsKnown(name))
                {
                    result.AddError($"--name: '{name}' is not one of {string.Join(", ", ModelKind.All.Select(k => k.Name))}.");
                }
            },
        },
    };

    private static Option<int> Version() => CommonOptions.WholeNumber("--version", "The version number.", 1, 1, 999_999);

    private static string Describe(ModelVersion v, int? champion) => string.Create(CultureInfo.InvariantCulture,
        $"{v.Name} {v.Version,4}{(v.Version == champion ? " *" : "  ")}  {v.Status,-10} {v.RegisteredAt:yyyy-MM-dd HH:mm}  {(v.TestRmse is double r ? $"test RMSE {r:0.000} (persistence {v.PersistenceRmse:0.000})" : v.Accuracy is double a ? $"accuracy {a:P2}" : "")}{(v.Reason is null ? "" : $"  {v.Reason}")}");

    private static void WriteListing(TextWriter writer, ModelListing listing)
    {
        if (listing.Versions.Count == 0)
        {
            writer.WriteLine($"No {listing.Name} versions yet.");
        }

        foreach (ModelVersion v in listing.Versions)
        {
            writer.WriteLine(Describe(v, listing.Champion));
        }

        if (listing.Baseline is { } baseline)
        {
            writer.WriteLine($"No champion: {(baseline == Models.Forecasting.ForecastMethod.RotationMean ? "the 27-day mean" : "persistence")} answers since the last demotion.");
        }

        foreach (Demotion d in listing.Demotions)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Demoted {d.At:yyyy-MM-dd HH:mm}: {d.Reason}"));
        }
    }
}
