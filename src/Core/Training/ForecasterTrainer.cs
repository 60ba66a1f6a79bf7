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

        var shape = new RegressorShape(options.Cell, options.HiddenSize, options.Layers, options.Dropout, options.DenseSize);
        int[] seeds = [.. MemberSeeds(options.Seed, options.Members)];
        var networks = new RecurrentRegressor?[seeds.Length];
        var runs = new TrainingRun?[seeds.Length];
        ForecastModel? model = null;
        try
        {
            var clock = Stopwatch.StartNew();

            // Managed training can split a mini-batch over the cores that no member uses.
            int spareThreads = Math.Max(1, Environment.ProcessorCount / Math.Clamp(options.MemberConcurrency, 1, seeds.Length));

            // The windows as tensors, for autograd: managed training reads them where they are.
            using (TrainingSamples? samples = ManagedLstmSteps.Supports(shape) ? null : new TrainingSamples(data))
            {
                IProgress<EpochProgress>? serialised = progress is null ? null : new SerialisedProgress(progress);
                RunMembers(seeds.Length, options.MemberConcurrency, cancellationToken, (member, token) =>
                {
                    TimeSpan? remaining = options.Budget - clock.Elapsed;
                    if (member > 0 && remaining <= TimeSpan.Zero)
                    {
                        return; // the budget is spent: the ensemble is the members trained so far
                    }

                    // libtorch keeps its thread count per thread: each worker sets its own.
                    using IDisposable memberThreads = TorchThreads.Use(options.Threads);
                    RecurrentRegressor network = shape.Create();
                    networks[member] = network;
                    SeededInitialisation.Apply(network, seeds[member]);
                    runs[member] = Fit(network, shape, samples, data, options, spareThreads, remaining, member + 1, serialised, token);
                });
            }

            RecurrentRegressor[] members = [.. networks.Where((n, i) => n is not null && runs[i] is not null).Select(n => n!)];
            model = new ForecastModel(new RegressorEnsemble(members), shape, options.Window, data.Scaler, intervals: null);
            TrainingRun[] trained = [.. runs.Where(r => r is not null).Select(r => r!)];
            double trainSeconds = clock.Elapsed.TotalSeconds;
            // Each lead is served by the method that did best on the validation years, and its
            // interval comes from that method's errors there.
            LeadPairs[] validation = LeadEvaluation.Pairs(model, data.Validation, ForecastModel.MaxLead);
            ForecastMethod[] methods = LeadEvaluation.ChooseMethods(validation);
            model.LeadMethods = methods;
            model.Intervals = PredictionIntervals.Fit(validation.Select((pairs, i) => (IReadOnlyList<(float, float)>)pairs.Of(methods[i])).ToArray(), IntervalLevel, IntervalScaleOffset);
            double validationRmse = Rmse(model.PredictNextDay(data.Validation), data.Validation);
            TestMetrics test = ForecastEvaluator.Evaluate(model, data.Test);
            return new TrainedForecaster(model, options, data, TrainingRun.Combine(trained, validationRmse * validationRmse, trainSeconds), validationRmse, test);
        }
        catch
        {
            if (model is not null)
            {
                model.Dispose();
            }
            else
            {
                foreach (RecurrentRegressor? network in networks)
                {
                    network?.Dispose();
                }
            }

            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="train"/> for members 0..count-1 on up to <paramref name="concurrency"/>
    /// threads of their own. Each member's work is independent and runs wholly on one thread, so the
    /// weights do not depend on how many run at once. The first failure stops the others and is
    /// rethrown as it was (a cancellation as <see cref="OperationCanceledException"/>).
    /// </summary>
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
    private sealed class SerialisedProgress(IProgress<EpochProgress> inner) : IProgress<EpochProgress>
    {
        private readonly Lock _gate = new();

        public void Report(EpochProgress value)
        {
            lock (_gate)
            {
                inner.Report(value);
            }
        }
    }

    private static TrainingRun Fit(RecurrentRegressor network, RegressorShape shape, TrainingSamples? samples, PreparedSeries data, ForecasterTrainingOptions options, int managedThreads, TimeSpan? budget, int member, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        var loop = new ModelTrainer.LoopOptions(options.BatchSize, options.LearningRate, options.MaxEpochs, options.Patience, options.MinDelta, options.Seed, budget,
            Member: member, WeightAverageDecay: options.WeightAverageDecay);

        // A one-layer LSTM (the defaults, the course's network) trains in managed code, several
        // times faster than through libtorch (README, "Training speed"); other networks through autograd.
        if (ManagedLstmSteps.Supports(shape))
        {
            using var managed = new ManagedLstmSteps(network, shape, data.Train, options.BatchSize, options.LearningRate, options.WeightAverageDecay, managedThreads);
            return ModelTrainer.Train(managed, data.Train.Count, () => ValidationLoss(managed.PredictNextDay(data.Validation, data.Scaler), data.Validation), loop, progress, cancellationToken);
        }

        return ModelTrainer.Train(
            network,
            data.Train.Count,
            indices => samples!.Loss(network, indices),
            () => ValidationLoss(PredictNextDay(network, data.Validation, data.Scaler), data.Validation),
            loop,
            progress,
            cancellationToken);
    }

    // Validation loss in sunspot-number units (the MSE), as the course's Keras model reports it, so
    // that min-delta means the same here as there; and the RMSE to report.
    private static (double Loss, double Metric) ValidationLoss(float[] forecasts, WindowSet windows)
    {
        double rmse = Rmse(forecasts, windows);
        return (rmse * rmse, rmse);
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
