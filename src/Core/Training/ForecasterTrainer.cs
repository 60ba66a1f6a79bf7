using System.Diagnostics;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Evaluation;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Networks;
using SunspotForecaster.Core.Series;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>
/// Trains the sunspot regressor: splits and windows the series, trains each member of the ensemble
/// with early stopping on the validation years (never the test range), fits the prediction
/// intervals on the validation years, and scores the result on the test range.
/// </summary>
public static class ForecasterTrainer
{
    public const double IntervalLevel = 0.90;

    // Part of the noise scale sqrt(level + offset): keeps intervals from collapsing near zero.
    public const float IntervalScaleOffset = 10f;

    public static TrainedForecaster Train(SunspotSeries series, ForecasterTrainingOptions options, IProgress<EpochProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using IDisposable threads = TorchThreads.Use(options.Threads);
        PreparedSeries data = SeriesPreparation.Prepare(series, options.Split, options.Window);

        var shape = new RegressorShape(options.Cell, options.HiddenSize, options.Layers, options.Dropout, options.DenseSize, options.LinearSkip ? options.Window : 0);
        var clock = Stopwatch.StartNew();
        var members = new List<RecurrentRegressor>();
        var runs = new List<TrainingRun>();
        ForecastModel? model = null;
        try
        {
            using (var samples = new TrainingSamples(data, options))
            {
                foreach (int seed in MemberSeeds(options.Seed, options.Members))
                {
                    TimeSpan? remaining = options.Budget - clock.Elapsed;
                    if (members.Count > 0 && remaining <= TimeSpan.Zero)
                    {
                        break; // the budget is spent: the ensemble is the members trained so far
                    }

                    RecurrentRegressor network = shape.Create();
                    members.Add(network);
                    SeededInitialisation.Apply(network, seed);
                    runs.Add(Fit(network, samples, data, options, remaining, members.Count, progress, cancellationToken));
                }
            }

            model = new ForecastModel(new RegressorEnsemble(members), shape, options.Window, data.Scaler, intervals: null);
            model.Intervals = PredictionIntervals.Fit(
                ForecastEvaluator.ErrorsByHorizon(model, data.Validation, ForecastModel.MaxHorizon), IntervalLevel, IntervalScaleOffset);
            double validationRmse = Rmse(model.PredictNextDay(data.Validation), data.Validation);
            TestMetrics test = ForecastEvaluator.Evaluate(model, data.Test);
            return new TrainedForecaster(model, options, data, TrainingRun.Combine(runs, validationRmse * validationRmse), validationRmse, test);
        }
        catch
        {
            if (model is not null)
            {
                model.Dispose();
            }
            else
            {
                members.ForEach(m => m.Dispose());
            }

            throw;
        }
    }

    /// <summary>
    /// The seed of each member: the first is the training's own seed, so a one-member ensemble is
    /// the single network that seed gives; the others are drawn from it, so that the ensembles of
    /// two neighbouring seeds share no member.
    /// </summary>
    internal static IEnumerable<int> MemberSeeds(int seed, int members)
    {
        var random = new Random(seed);
        yield return seed;
        for (int i = 1; i < members; i++)
        {
            yield return random.Next();
        }
    }

    private static TrainingRun Fit(RecurrentRegressor network, TrainingSamples samples, PreparedSeries data, ForecasterTrainingOptions options, TimeSpan? budget, int member, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        // Validation loss in sunspot-number units, as the course's Keras model reports it, so that
        // min-delta means the same here as there.
        (double, double) Validate()
        {
            double rmse = Rmse(PredictNextDay(network, data.Validation, data.Scaler), data.Validation);
            return (rmse * rmse, rmse);
        }

        return ModelTrainer.Train(
            network,
            data.Train.Count,
            indices => samples.Loss(network, indices),
            Validate,
            new ModelTrainer.LoopOptions(options.BatchSize, options.LearningRate, options.MaxEpochs, options.Patience, options.MinDelta, options.Seed, budget,
                LearningRateDecay: options.LearningRateDecay, Member: member),
            progress,
            cancellationToken);
    }

    // One member's next-day forecasts, batched as ForecastModel batches them, so that a one-member
    // ensemble validates on exactly the numbers the model will give.
    private static float[] PredictNextDay(RecurrentRegressor network, WindowSet windows, StandardScaler scaler)
    {
        var forecasts = new float[windows.Count];
        using var noGrad = no_grad();
        for (int start = 0; start < windows.Count; start += ForecastModel.BatchSize)
        {
            int size = Math.Min(ForecastModel.BatchSize, windows.Count - start);
            using var scope = NewDisposeScope();
            Tensor inputs = tensor(windows.Inputs.AsSpan(start * windows.WindowLength, size * windows.WindowLength).ToArray(), [size, windows.WindowLength, 1]);
            ReadOnlySpan<float> values = network.forward(inputs).data<float>().ToArray();
            for (int i = 0; i < size; i++)
            {
                forecasts[start + i] = scaler.Unscale(values[i]);
            }
        }

        return forecasts;
    }

    private static double Rmse(float[] forecasts, WindowSet windows)
    {
        ReadOnlySpan<float> values = windows.Series.Values;
        double squared = 0;
        for (int i = 0; i < forecasts.Length; i++)
        {
            double error = values[windows.TargetIndex(i)] - forecasts[i];
            squared += error * error;
        }

        return Math.Sqrt(squared / forecasts.Length);
    }
}
