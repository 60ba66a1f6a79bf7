using System.CommandLine;
using System.Globalization;
using SunspotForecaster.Models.Classification;
using SunspotForecaster.Models.Packaging;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots classify</c>: a car-colour sequence's class with a saved classifier.</summary>
internal static class ClassifyCommand
{
    public static Command Create()
    {
        Option<DirectoryInfo> modelDirectory = CommonOptions.ModelDirectory("--model-dir", "A car-colour model package (from 'sunspots train cars').");
        Option<int[]> sequence = new("--sequence")
        {
            Description = "Steps separated by commas, each 0 (nothing seen) or a colour 1..3, e.g. 0,0,1,1,0,0.",
            HelpName = "0,0,1,1,0,0",
            Required = true,
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
                var steps = new int[parts.Length];
                for (int i = 0; i < parts.Length; i++)
                {
                    if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out steps[i]))
                    {
                        result.AddError($"--sequence: step {i + 1} is '{parts[i]}'; write whole numbers 0..3 separated by commas, e.g. 0,0,1,1,0,0.");
                        return [];
                    }
                }

                return steps;
            },
        };

        var command = new Command("classify", "Classify a car-colour sequence with a trained model.") { modelDirectory, sequence };
        command.SetAction(parsed =>
        {
            int[] steps = parsed.GetRequiredValue(sequence);
            CarColourSequences.Validate(steps);
            (CarColourModel model, ModelManifest manifest) = ClassifierPackage.Load(parsed.GetRequiredValue(modelDirectory).FullName);
            using (model)
            {
                CarColourPrediction classification = model.Classify(steps);
                var result = new ClassifyResult(classification.Class, classification.Probabilities, manifest.CodeVersion, manifest.CreatedAt);
                return CommandOutput.Write(parsed, result, (writer, r) => writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"class {r.Class} ({string.Join(", ", r.Probabilities.Select((p, i) => $"{i}: {p:0.000}"))})")));
            }
        });
        return command;
    }

    internal sealed record ClassifyResult(int Class, float[] Probabilities, string ModelCodeVersion, DateTimeOffset ModelCreatedAt);
}
