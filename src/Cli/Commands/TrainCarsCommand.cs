using System.CommandLine;
using System.Globalization;
using SunspotForecaster.Models.Classification;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots train cars</c>: the course's car-colour classifier.</summary>
internal static class TrainCarsCommand
{
    public static Command Create()
    {
        var defaults = new CarColourRecipe();
        Option<int> seed = CommonOptions.WholeNumber("--seed", "Seed of the weights and the generated sequences.", defaults.Seed, 0, int.MaxValue);
        Option<int> enumerate = CommonOptions.WholeNumber("--enumerate-up-to", "Score every single-car sequence of lengths 1..N after training.", 64, 1, 128);
        Option<DirectoryInfo> output = CommonOptions.ModelDirectory("--out", "Folder to save the model package in (created or replaced).");
        var command = new Command("cars", "Train the car-colour sequence classifier of the course (LSTM(128) over steps 0..3).") { seed, enumerate, output };
        command.SetAction((parsed, cancellationToken) =>
        {
            TextWriter log = parsed.InvocationConfiguration.Error;
            PackageFiles.CheckWritable(parsed.GetRequiredValue(output).FullName);
            var options = defaults with { Seed = parsed.GetValue(seed) };
            var progress = new SynchronousProgress<EpochProgress>(epoch => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch.Epoch,3}  train loss {epoch.TrainLoss,8:0.00000}  validation loss {epoch.ValidationLoss,8:0.00000}  validation accuracy {epoch.ValidationMetric,7:P2}  {epoch.Seconds,5:0.0} s{(epoch.Improved ? "  *" : "")}")));
            TrainedCarColourModel trained = CarColourTrainer.Train(options, parsed.GetValue(enumerate), progress, cancellationToken);
            using (trained.Model)
            {
                string artifact = parsed.GetRequiredValue(output).FullName;
                ClassifierPackage.Save(trained, artifact);
                var result = new TrainCarsResult(ClassifierPackage.Kind.Name, "lstm", trained.Options.HiddenSize, trained.Run.Epochs, trained.Run.BestEpoch, trained.Run.StoppedEarly,
                    Math.Round(trained.Run.TrainSeconds, 3), Math.Round(trained.Run.SecondsPerEpoch, 3),
                    new EnumerationResult(trained.EnumerationMaxLength, trained.EnumerationSequences, trained.EnumerationAccuracy), artifact);
                return Task.FromResult(CommandOutput.Write(parsed, result, (writer, r) => writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"car-colour classifier: {r.Epochs} epochs (best {r.BestEpoch}) in {r.TrainSeconds:0.0} s; {r.Enumeration.Accuracy:P2} of all {r.Enumeration.Sequences:N0} single-car sequences of lengths 1..{r.Enumeration.MaxLength} right; saved to {r.Artifact}"))));
            }
        });
        return command;
    }

    internal sealed record EnumerationResult(int MaxLength, long Sequences, double Accuracy);

    internal sealed record TrainCarsResult(string Model, string Cell, int Hidden, int Epochs, int BestEpoch, bool StoppedEarly, double TrainSeconds, double SecondsPerEpoch, EnumerationResult Enumeration, string Artifact);
}
