using System.CommandLine;
using System.Globalization;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots train sunspots|cars</c>: train a model and save it as a package.</summary>
internal static class TrainCommand
{
    public static Command Create() => new("train", "Train a model and save it as a package (weights + manifest.json).")
    {
        CreateSunspots(),
        TrainCarsCommand.Create(),
    };

    private static Command CreateSunspots()
    {
        var defaults = new ForecasterRecipe();
        Option<string> data = CommonOptions.Data();
        Option<RecurrentCell> cell = CommonOptions.Choice("--cell", "Recurrent cell.", defaults.Cell);
        Option<int> window = CommonOptions.Window(defaults.Window);
        Option<int> hidden = CommonOptions.WholeNumber("--hidden", "Hidden units of the recurrent layer.", defaults.HiddenSize, 1, 1024);
        Option<int> layers = CommonOptions.WholeNumber("--layers", "Stacked recurrent layers.", defaults.Layers, 1, 8);
        Option<double> dropout = CommonOptions.Number("--dropout", "Dropout between stacked recurrent layers.", defaults.Dropout, 0, 0.9);
        Option<int> dense = CommonOptions.WholeNumber("--dense", "Units of the dense layer after the recurrent one.", defaults.DenseSize, 1, 1024);
        Option<int> batchSize = CommonOptions.WholeNumber("--batch-size", "Windows per mini-batch.", defaults.BatchSize, 1, 65536);
        Option<double> learningRate = CommonOptions.Number("--lr", "Adam's learning rate.", defaults.LearningRate, 1e-6, 1);
        Option<int> maxEpochs = CommonOptions.WholeNumber("--max-epochs", "Most epochs to train.", defaults.MaxEpochs, 1, 100_000);
        Option<int> patience = CommonOptions.WholeNumber("--patience", "Epochs without improvement before stopping.", defaults.Patience, 1, 10_000);
        Option<double> minDelta = CommonOptions.Number("--min-delta", "Smallest drop of the validation MSE that counts as improvement.", defaults.MinDelta, 0, 1e6);
        Option<int> seed = CommonOptions.WholeNumber("--seed", "Seed of the weights and the shuffling.", defaults.Seed, 0, int.MaxValue);
        Option<int> members = CommonOptions.WholeNumber("--members", "Networks trained from different seeds whose forecasts are averaged.", defaults.Members, 1, ForecasterRecipe.MaxMembers);
        Option<int> memberConcurrency = CommonOptions.WholeNumber("--parallel-members", "Members trained at once, each on its own thread (the weights do not depend on it).", defaults.MemberConcurrency, 1, ForecasterRecipe.MaxThreads);
        Option<double> averageDecay = CommonOptions.Number("--weight-average", "Validate and keep an exponential moving average of the weights with this decay per step (0: off).", defaults.WeightAverageDecay ?? 0, 0, 0.99999);
        Option<int> threads = CommonOptions.WholeNumber("--threads", "libtorch's intra-op threads where libtorch trains (GRU, RNN, stacked layers; a one-layer LSTM trains in managed code on the cores its member has to itself). Results are reproducible per CPU and thread count.", defaults.Threads, 1, ForecasterRecipe.MaxThreads);
        Option<int> budget = CommonOptions.WholeNumber("--budget-seconds", "Stop training after this many seconds, keeping the best epoch (0: no limit).", 0, 0, 86_400);
        Option<DirectoryInfo> output = CommonOptions.ModelDirectory("--out", "Folder to save the model package in (created or replaced).");

        var command = new Command("sunspots", "Train the next-day sunspot forecaster with early stopping on the validation years.")
        {
            data, cell, window, hidden, layers, dropout, dense, batchSize, learningRate, maxEpochs, patience, minDelta, seed, members, memberConcurrency, averageDecay, threads, budget, output,
        };
        SplitOptionSet split = CommonOptions.SplitDates(command);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            TextWriter log = parsed.InvocationConfiguration.Error;
            PackageFiles.CheckWritable(parsed.GetRequiredValue(output).FullName);
            string location = parsed.GetRequiredValue(data);
            log.WriteLine($"Reading {location} …");
            SidcFile file = await SidcSource.LoadAsync(location, cancellationToken: cancellationToken);
            var options = new ForecasterRecipe
            {
                Cell = parsed.GetValue(cell),
                Window = parsed.GetValue(window),
                HiddenSize = parsed.GetValue(hidden),
                Layers = parsed.GetValue(layers),
                Dropout = parsed.GetValue(dropout),
                DenseSize = parsed.GetValue(dense),
                BatchSize = parsed.GetValue(batchSize),
                LearningRate = parsed.GetValue(learningRate),
                MaxEpochs = parsed.GetValue(maxEpochs),
                Patience = parsed.GetValue(patience),
                MinDelta = parsed.GetValue(minDelta),
                Seed = parsed.GetValue(seed),
                Members = parsed.GetValue(members),
                MemberConcurrency = parsed.GetValue(memberConcurrency),
                WeightAverageDecay = parsed.GetValue(averageDecay) is > 0 and double decay ? decay : null,
                Threads = parsed.GetValue(threads),
                Budget = parsed.GetValue(budget) is > 0 and int seconds ? TimeSpan.FromSeconds(seconds) : null,
                Split = split.Read(parsed),
            };

            log.WriteLine($"Training {options.Cell.ToString().ToLowerInvariant()} (window {options.Window}, hidden {options.HiddenSize}) …");
            var progress = new SynchronousProgress<EpochProgress>(epoch => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"member {epoch.Member,2}  epoch {epoch.Epoch,4}  train loss {epoch.TrainLoss,9:0.000}  validation loss {epoch.ValidationLoss,9:0.000}  validation RMSE {epoch.ValidationMetric,7:0.000}  {epoch.Seconds,5:0.0} s{(epoch.Improved ? "  *" : "")}")));
            TrainedForecaster trained = ForecasterTrainer.Train(file.Series, options, progress, cancellationToken);
            using (trained.Model)
            {
                string artifact = parsed.GetRequiredValue(output).FullName;
                ForecasterPackage.Save(trained, artifact, file.Sha256);
                return CommandOutput.Write(parsed, TrainResult.Of(trained, artifact), WriteText);
            }
        });
        return command;
    }

    private static void WriteText(TextWriter output, TrainResult result)
    {
        TestMetricsResult test = result.Metrics.Test;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            {result.Cell} forecaster ({result.Members} network{(result.Members == 1 ? "" : "s")}), {result.Window}-day windows: {result.Epochs} epochs (best {result.BestEpoch}, stopped by {result.StopReason}) in {result.TrainSeconds:0.0} s ({result.SecondsPerEpoch:0.00} s/epoch)
              samples            train {result.Samples.Train:N0}, validation {result.Samples.Validation:N0}, test {result.Samples.Test:N0}
              validation RMSE    {result.Metrics.Validation.Rmse:0.000}
              test RMSE          {test.Rmse:0.000}   (persistence {test.PersistenceRmse:0.000}, skill {test.Skill:0.0000})
              test MAE           {test.Mae:0.000}
              interval coverage  {test.IntervalCoverage:P1} of test days inside the 90% interval
              saved to           {result.Artifact}
            """));
    }

    internal sealed record TrainResult(
        string Model,
        string Cell,
        int Window,
        int Members,
        int Epochs,
        int BestEpoch,
        bool StoppedEarly,
        string StopReason,
        double TrainSeconds,
        double SecondsPerEpoch,
        SampleCounts Samples,
        MetricsResult Metrics,
        string Artifact)
    {
        public static TrainResult Of(TrainedForecaster trained, string artifact) => new(
            ForecasterPackage.Kind.Name,
            trained.Options.Cell.ToString().ToLowerInvariant(),
            trained.Options.Window,
            trained.Model.Members,
            trained.Run.Epochs,
            trained.Run.BestEpoch,
            trained.Run.StoppedEarly,
            trained.Run.StopReason.ToString(),
            Math.Round(trained.Run.TrainSeconds, 3),
            Math.Round(trained.Run.SecondsPerEpoch, 3),
            new SampleCounts(trained.Data.Train.Count, trained.Data.Validation.Count, trained.Data.Test.Count),
            new MetricsResult(new ValidationMetricsResult(trained.ValidationRmse), TestMetricsResult.Of(trained.Test)),
            artifact);
    }

    internal sealed record SampleCounts(int Train, int Validation, int Test);

    internal sealed record MetricsResult(ValidationMetricsResult Validation, TestMetricsResult Test);

    internal sealed record ValidationMetricsResult(double Rmse);

    internal sealed record TestMetricsResult(double Rmse, double Mae, double PersistenceRmse, double Skill, double IntervalCoverage, double IntervalLevel, int Windows)
    {
        public static TestMetricsResult Of(TestMetrics m) => new(m.Rmse, m.Mae, m.PersistenceRmse, m.Skill, m.IntervalCoverage, m.IntervalLevel, m.Windows);
    }
}
