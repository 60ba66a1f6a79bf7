using System.Diagnostics;
using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Training;

/// <summary>
/// The epoch loop every model here shares: Adam on shuffled mini-batches, a validation loss after
/// each epoch (of the weights' moving average, when one is asked for), early stopping that keeps the best weights, a maximum number of epochs, a
/// wall-clock budget and a cancellation token. The loss itself comes from the caller, so the
/// sunspot regressor and the car classifier train the same way.
/// </summary>
public static class ModelTrainer
{
    /// <summary>The settings of one run of the epoch loop (batch, optimiser, stopping, budget), derived from a recipe.</summary>
    /// <param name="ClipGradientNorm">When set, gradients are rescaled to at most this L2 norm before each step.</param>
    /// <param name="WeightAverageDecay">When set, validation (and the weights kept) use an exponential moving average of the weights with this decay per step.</param>
    /// <param name="Member">Reported with each epoch: which network of an ensemble trains.</param>
    public sealed record LoopSettings(int BatchSize, double LearningRate, int MaxEpochs, int Patience, double MinDelta, int Seed, TimeSpan? Budget, double? ClipGradientNorm = null, int Member = 1, double? WeightAverageDecay = null);

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
        LoopSettings options,
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
        LoopSettings options,
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
    /// A TorchSharp module trained by autograd and the engine's <see cref="Adam"/>: after each
    /// backward pass the gradients are copied out, the flat weights updated and copied back in
    /// (a few thousand floats: the networks here are small). The epoch's order is one tensor sliced
    /// per batch (a view, nothing copied), and the loss is summed in a tensor (reading it back each
    /// step would copy it out every time).
    /// </summary>
    private sealed class TorchSteps : ITrainingSteps
    {
        private readonly nn.Module _model;
        private readonly Func<Tensor, Tensor> _batchLoss;
        private readonly double? _clipGradientNorm;
        private readonly Adam _adam;
        private readonly float[] _weights;
        private readonly float[] _gradient;
        private readonly float[] _best;
        private bool _hasBest;
        private readonly Tensor _lossSum = zeros(1, ScalarType.Float64);
        private Tensor? _epochOrder;

        public TorchSteps(nn.Module model, Func<Tensor, Tensor> batchLoss, LoopSettings options)
        {
            _model = model;
            _batchLoss = batchLoss;
            _clipGradientNorm = options.ClipGradientNorm;
            _weights = TorchParameters.Read(model);
            _gradient = new float[_weights.Length];
            _best = new float[_weights.Length];
            _adam = new Adam(_weights.Length, options.LearningRate, options.WeightAverageDecay);
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
            _model.zero_grad();
            Tensor loss = _batchLoss(indices);
            loss.backward();
            if (_clipGradientNorm is double maxNorm)
            {
                nn.utils.clip_grad_norm_(_model.parameters(), maxNorm, 2);
            }

            TorchParameters.ReadGradients(_model, _gradient);
            _adam.BeginStep();
            _adam.Update(_weights, _gradient, 0, _weights.Length);
            TorchParameters.Write(_model, _weights);
            using (no_grad())
            {
                // An explicit Scalar held to the end of the call: TorchSharp 0.107 does not keep
                // the one it makes from a number alive while libtorch reads it.
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

        public IDisposable? UseAverage()
        {
            if (_adam.Average is not float[] average)
            {
                return null;
            }

            TorchParameters.Write(_model, average);
            return new Restore(() => TorchParameters.Write(_model, _weights));
        }

        public void KeepBest()
        {
            (_adam.Average ?? _weights).CopyTo(_best, 0);
            _hasBest = true;
        }

        public void RestoreBest() => TorchParameters.Write(_model, _hasBest ? _best : _adam.Average ?? _weights);

        public void Dispose()
        {
            _model.eval();
            _epochOrder?.Dispose();
            _lossSum.Dispose();
        }
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
