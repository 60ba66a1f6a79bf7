using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>
/// The epoch loop every model here shares: Adam on shuffled mini-batches, a validation loss after
/// each epoch (of the weights' moving average, when one is asked for), early stopping that keeps the best weights, a maximum number of epochs, a
/// wall-clock budget and a cancellation token. The loss itself comes from the caller, so the
/// sunspot regressor and the car classifier train the same way.
/// </summary>
public static class ModelTrainer
{
    /// <summary>Settings of one run of the loop.</summary>
    /// <param name="ClipGradientNorm">When set, gradients are rescaled to at most this L2 norm before each step.</param>
    /// <param name="WeightAverageDecay">When set, validation (and the weights kept) use an exponential moving average of the weights with this decay per step.</param>
    /// <param name="Member">Reported with each epoch: which network of an ensemble trains.</param>
    public sealed record LoopOptions(int BatchSize, double LearningRate, int MaxEpochs, int Patience, double MinDelta, int Seed, TimeSpan? Budget, double? ClipGradientNorm = null, int Member = 1, double? WeightAverageDecay = null);

    /// <summary>
    /// Trains <paramref name="model"/> on <paramref name="trainCount"/> examples.
    /// <paramref name="batchLoss"/> computes the loss of the examples whose indices it is given;
    /// <paramref name="validate"/> returns the validation loss that early stopping watches (in the
    /// units its min-delta is meant for) and a metric to report. Weights of the best epoch are
    /// restored before returning. Cancellation throws <see cref="OperationCanceledException"/>
    /// between batches, leaving the model in eval mode.
    /// </summary>
    public static TrainingRun Train(
        nn.Module model,
        int trainCount,
        Func<Tensor, Tensor> batchLoss,
        Func<(double Loss, double Metric)> validate,
        LoopOptions options,
        IProgress<EpochProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var steps = new TorchSteps(model, batchLoss, options);
        return Train(steps, trainCount, validate, options, progress, cancellationToken);
    }

    /// <summary>The same loop over <paramref name="steps"/>, which hold the weights and update them a mini-batch at a time.</summary>
    internal static TrainingRun Train(
        ITrainingSteps steps,
        int trainCount,
        Func<(double Loss, double Metric)> validate,
        LoopOptions options,
        IProgress<EpochProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);

        var clock = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var stopping = new EarlyStopping(options.Patience, options.MinDelta);
        var order = Enumerable.Range(0, trainCount).Select(i => (long)i).ToArray();
        StopReason reason = StopReason.MaxEpochs;
        int epoch = 0;
        while (epoch < options.MaxEpochs)
        {
            epoch++;
            double epochStart = clock.Elapsed.TotalSeconds;
            random.Shuffle(order);
            steps.BeginEpoch(order);
            for (int start = 0; start < trainCount; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                steps.Step(start, Math.Min(options.BatchSize, trainCount - start));
            }

            double lossSum = steps.EndEpoch();
            bool improved;
            double validationLoss;
            double metric;
            using (steps.UseAverage())
            {
                (validationLoss, metric) = validate();
                improved = stopping.Observe(epoch, validationLoss);
                if (improved)
                {
                    steps.KeepBest();
                }
            }

            progress?.Report(new EpochProgress(epoch, lossSum / trainCount, validationLoss, metric, improved, clock.Elapsed.TotalSeconds - epochStart, options.Member));
            if (stopping.ShouldStop)
            {
                reason = StopReason.EarlyStopping;
                break;
            }

            if (options.Budget is TimeSpan budget && clock.Elapsed >= budget)
            {
                reason = StopReason.Budget;
                break;
            }
        }

        steps.RestoreBest();
        return new TrainingRun(epoch, stopping.BestEpoch, stopping.BestLoss, reason, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// A TorchSharp module trained by autograd and <see cref="FlatAdam"/>: the epoch's order as one
    /// tensor sliced per batch (a view, nothing copied), and the loss summed in a tensor (reading it
    /// back each step would copy it out every time).
    /// </summary>
    private sealed class TorchSteps : ITrainingSteps
    {
        private readonly nn.Module _model;
        private readonly Func<Tensor, Tensor> _batchLoss;
        private readonly double? _clipGradientNorm;
        private readonly FlatAdam _optimizer;
        private readonly Tensor _lossSum = zeros(1, ScalarType.Float64);
        private Dictionary<string, Tensor> _best;
        private Tensor? _epochOrder;

        public TorchSteps(nn.Module model, Func<Tensor, Tensor> batchLoss, LoopOptions options)
        {
            _model = model;
            _batchLoss = batchLoss;
            _clipGradientNorm = options.ClipGradientNorm;
            _optimizer = new FlatAdam(model.parameters(), options.LearningRate, options.WeightAverageDecay);
            _best = Snapshot(model);
        }

        public void BeginEpoch(long[] order)
        {
            _model.train();
            _epochOrder?.Dispose();
            _epochOrder = tensor(order);
        }

        public void Step(int start, int size)
        {
            using var scope = NewDisposeScope();
            Tensor indices = _epochOrder!.narrow(0, start, size);
            _optimizer.ZeroGrad();
            Tensor loss = _batchLoss(indices);
            loss.backward();
            if (_clipGradientNorm is double maxNorm)
            {
                nn.utils.clip_grad_norm_(_model.parameters(), maxNorm, 2);
            }

            _optimizer.Step();
            using (no_grad())
            {
                // An explicit Scalar held to the end of the call (see FlatAdam).
                using Scalar batchSize = size.ToScalar();
                _lossSum.add_(loss.detach(), alpha: batchSize);
            }
        }

        public double EndEpoch()
        {
            _model.eval();
            double sum = _lossSum.item<double>();
            _lossSum.zero_();
            return sum;
        }

        public IDisposable? UseAverage() => _optimizer.UseAverage();

        public void KeepBest()
        {
            Release(_best);
            _best = Snapshot(_model);
        }

        public void RestoreBest() => Restore(_model, _best);

        public void Dispose()
        {
            _model.eval();
            Release(_best);
            _epochOrder?.Dispose();
            _lossSum.Dispose();
            _optimizer.Dispose();
        }
    }

    private static Dictionary<string, Tensor> Snapshot(nn.Module model)
    {
        using var noGrad = no_grad();
        return model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone().DetachFromDisposeScope());
    }

    private static void Restore(nn.Module model, Dictionary<string, Tensor> weights)
    {
        using var noGrad = no_grad();
        foreach ((string name, Tensor current) in model.state_dict())
        {
            current.copy_(weights[name]);
        }
    }

    private static void Release(Dictionary<string, Tensor> weights)
    {
        foreach (Tensor tensor in weights.Values)
        {
            tensor.Dispose();
        }

        weights.Clear();
    }
}
