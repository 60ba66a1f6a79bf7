using System.Diagnostics;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Regression;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Series;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Training;

/// <summary>
/// Trains the sunspot regressor: splits and windows the series, trains each member of the ensemble
/// with early stopping on the validation years (never the test range), fits the prediction
/// intervals on the validation years, and scores the result on the test range.
/// </summary>
public static class ForecasterTrainer
{
    // Part of the noise scale sqrt(level + offset): keeps intervals from collapsing near zero.
    public const float IntervalScaleOffset = 10f;

    public static TrainedForecaster Train(SunspotSeries series, ForecasterRecipe options, IProgress<EpochProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PreparedSeries data = SeriesPreparation.Prepare(series, options.Split, options.Window);

        var shape = new RegressorShape(options.Cell, options.HiddenSize, options.Layers, options.Dropout, options.DenseSize);
        NetworkLayout layout = NetworkLayout.Regressor(shape);
        TrainingEngine engine = ManagedLstmSteps.Supports(shape) ? TrainingEngine.Managed : TrainingEngine.TorchSharp;
        int[] seeds = [.. MemberSeeds(options.Seed, options.Members)];
        var members = new ManagedRegressor?[seeds.Length];
        var runs = new TrainingRun?[seeds.Length];
        var clock = Stopwatch.StartNew();

        // Managed training can split a mini-batch over the cores that no member uses.
        int spareThreads = Math.Max(1, Environment.ProcessorCount / Math.Clamp(options.MemberConcurrency, 1, seeds.Length));

        // libtorch is loaded only for the networks the managed engine does not train: they take
        // the windows as tensors, for autograd; the managed engine reads them where they are.
        using (IDisposable? threads = engine == TrainingEngine.TorchSharp ? TorchThreads.Use(options.Threads) : null)
        using (TrainingSamples? samples = engine == TrainingEngine.TorchSharp ? new TrainingSamples(data) : null)
        {
            // The loop's train loss is in scaled units; reported in sunspot numbers squared, the
            // validation loss's units, so that the two can be compared.
            double variance = (double)data.Scaler.StandardDeviation * data.Scaler.StandardDeviation;
            IProgress<EpochProgress>? serialised = progress is null ? null : new SerialisedProgress(progress, variance);
            RunMembers(seeds.Length, options.MemberConcurrency, cancellationToken, (member, token) =>
            {
                TimeSpan? remaining = options.Budget - clock.Elapsed;
                if (member > 0 && remaining <= TimeSpan.Zero)
                {
                    return; // the budget is spent: the ensemble is the members trained so far
                }

                var network = new ManagedRegressor(shape, SeededInitialisation.Weights(layout, seeds[member]));
                runs[member] = samples is null
                    ? FitManaged(network, data, options, spareThreads, remaining, member + 1, serialised, token)
                    : FitTorch(network, samples, data, options, remaining, member + 1, serialised, token);
                members[member] = network;
            });
        }

        ManagedRegressor[] trainedMembers = [.. members.Where((n, i) => n is not null && runs[i] is not null).Select(n => n!)];
        TrainingRun[] trained = [.. runs.Where(r => r is not null).Select(r => r!)];
        double trainSeconds = clock.Elapsed.TotalSeconds;

        // The direct linear forecast of each lead, on the same fitting years, its lags and penalty
        // chosen on the validation years.
        LinearForecaster? linear = options.LinearLags.Count == 0 ? null
            : LinearForecaster.Fit(series, data.Split, options.LinearLags, options.LinearPenalties, ForecastModel.MaxLead);
        var model = new ForecastModel(trainedMembers, options.Window, data.Scaler, intervals: null, linear: linear);
        // Each lead is served by the method that did best on the validation years, and its
        // quantiles come from that method's errors there; the baselines get theirs the same way,
        // so that their probabilistic scores can stand beside the model's.
        LeadPairs[] validation = LeadEvaluation.Pairs(model, data.Validation, ForecastModel.MaxLead);
        ForecastMethod[] methods = LeadEvaluation.ChooseMethods(validation);
        model.LeadMethods = methods;
        model.Intervals = FitIntervals(validation, lead => methods[lead - 1]);
        model.Baselines = new BaselineIntervals(FitIntervals(validation, _ => ForecastMethod.Persistence), FitIntervals(validation, _ => ForecastMethod.RotationMean));
        double validationRmse = Rmse(model.PredictNextDay(data.Validation), data.Validation);
        TestMetrics test = ForecastEvaluator.Evaluate(model, data.Test);
        return new TrainedForecaster(model, options, data, TrainingRun.Combine(trained, validationRmse * validationRmse, trainSeconds), validationRmse, test, engine);
    }

    private static PredictionIntervals FitIntervals(LeadPairs[] validation, Func<int, ForecastMethod> method) =>
        PredictionIntervals.Fit([.. validation.Select(pairs => (IReadOnlyList<(float, float)>)pairs.Of(method(pairs.Lead)))], IntervalScaleOffset);

    private static void RunMembers(int count, int concurrency, CancellationToken cancellationToken, Action<int, CancellationToken> train)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        int next = -1;
        Exception? failure = null;
        void Work()
        {
            int member;
            while (!stop.IsCancellationRequested && (member = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    train(member, stop.Token);
                }
                catch (Exception e)
                {
                    // A member cancelled because another failed is not the failure to report.
                    if (e is not OperationCanceledException || cancellationToken.IsCancellationRequested)
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                    }

                    stop.Cancel();
                }
            }
        }

        Thread[] workers = [.. Enumerable.Range(0, Math.Clamp(concurrency, 1, count) - 1).Select(_ => new Thread(Work) { IsBackground = true })];
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        Work();
        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        cancellationToken.ThrowIfCancellationRequested();
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

    /// <summary>Reports from one member at a time: members training at once share the caller's progress.</summary>
    private sealed class SerialisedProgress(IProgress<EpochProgress> inner, double trainLossScale) : IProgress<EpochProgress>
    {
        private readonly Lock _gate = new();

        public void Report(EpochProgress value)
        {
            lock (_gate)
            {
                inner.Report(value with { TrainLoss = value.TrainLoss * trainLossScale });
            }
        }
    }

    private static ModelTrainer.LoopSettings Loop(ForecasterRecipe options, TimeSpan? budget, int member) =>
        new(options.BatchSize, options.LearningRate, options.MaxEpochs, options.Patience, options.MinDelta, options.Seed, budget,
            Member: member, WeightAverageDecay: options.WeightAverageDecay);

    // A one-layer LSTM (the defaults, the course's network) trains in managed code, several times
    // faster than through libtorch (docs/performance.md); the best weights end in the network.
    private static TrainingRun FitManaged(ManagedRegressor network, PreparedSeries data, ForecasterRecipe options, int threads, TimeSpan? budget, int member, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        using var managed = new ManagedLstmSteps(network, data.Train, options.BatchSize, options.LearningRate, options.WeightAverageDecay, threads);
        return ModelTrainer.Train(managed, data.Train.Count, () => ValidationLoss(managed.PredictNextDay(data.Validation, data.Scaler), data.Validation), Loop(options, budget, member), progress, cancellationToken);
    }

    // Other networks through TorchSharp's autograd, from and back to the same flat weights.
    private static TrainingRun FitTorch(ManagedRegressor network, TrainingSamples samples, PreparedSeries data, ForecasterRecipe options, TimeSpan? budget, int member, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        // libtorch keeps its thread count per thread: each worker sets its own.
        using IDisposable memberThreads = TorchThreads.Use(options.Threads);
        using RecurrentRegressor module = network.Shape.Create();
        TorchParameters.Write(module, network.Weights);
        TrainingRun run = ModelTrainer.Train(
            module,
            data.Train.Count,
            indices => samples.Loss(module, indices),
            () => ValidationLoss(PredictNextDay(module, data.Validation, data.Scaler), data.Validation),
            Loop(options, budget, member),
            progress,
            cancellationToken);
        TorchParameters.Read(module).CopyTo(network.Weights, 0);
        network.Prepare();
        return run;
    }

    // Validation loss in sunspot-number units (the MSE), as the course's Keras model reports it, so
    // that min-delta means the same here as there; and the RMSE to report.
    private static (double Loss, double Metric) ValidationLoss(float[] forecasts, WindowSet windows)
    {
        double rmse = Rmse(forecasts, windows);
        return (rmse * rmse, rmse);
    }

    // One member's next-day forecasts through autograd's forward pass, for early stopping.
    private static float[] PredictNextDay(RecurrentRegressor network, WindowSet windows, StandardScaler scaler)
    {
        const int BatchSize = 4096;
        var forecasts = new float[windows.Count];
        using var noGrad = no_grad();
        for (int start = 0; start < windows.Count; start += BatchSize)
        {
            int size = Math.Min(BatchSize, windows.Count - start);
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
