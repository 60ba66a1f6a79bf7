using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>
/// The epoch loop every model here shares: Adam on shuffled mini-batches, a validation loss after
/// each epoch, early stopping that keeps the best weights, a maximum number of epochs, a
/// wall-clock budget and a cancellation token. The loss itself comes from the caller, so the
/// sunspot regressor and the car classifier train the same way.
/// </summary>
public static class ModelTrainer
{
    /// <summary>Settings of one run of the loop.</summary>
    /// <param name="ClipGradientNorm">When set, gradients are rescaled to at most this L2 norm before each step.</param>
    public sealed record LoopOptions(int BatchSize, double LearningRate, int MaxEpochs, int Patience, double MinDelta, int Seed, TimeSpan? Budget, double? ClipGradientNorm = null);

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
        ArgumentOutOfRangeException.ThrowIfLessThan(trainCount, 1);

        var clock = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var stopping = new EarlyStopping(options.Patience, options.MinDelta);
        var order = Enumerable.Range(0, trainCount).Select(i => (long)i).ToArray();
        using var optimizer = new FlatAdam(model.parameters(), options.LearningRate);
        Dictionary<string, Tensor> best = Snapshot(model);
        StopReason reason = StopReason.MaxEpochs;
        int epoch = 0;
        try
        {
            while (epoch < options.MaxEpochs)
            {
                epoch++;
                double epochStart = clock.Elapsed.TotalSeconds;
                random.Shuffle(order);
                model.train();

                // One tensor of the epoch's order, sliced per batch (a view, nothing copied), and the
                // loss summed in a tensor: reading it back each step would copy it out every time.
                using Tensor epochOrder = tensor(order);
                using Tensor lossSum = zeros(1, ScalarType.Float64);
                for (int start = 0; start < trainCount; start += options.BatchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    int size = Math.Min(options.BatchSize, trainCount - start);
                    Tensor indices = epochOrder.narrow(0, start, size);
                    optimizer.ZeroGrad();
                    Tensor loss = batchLoss(indices);
                    loss.backward();
                    if (options.ClipGradientNorm is double maxNorm)
                    {
                        nn.utils.clip_grad_norm_(model.parameters(), maxNorm, 2);
                    }

                    optimizer.Step();
                    using (no_grad())
                    {
                        // An explicit Scalar held to the end of the call (see FlatAdam).
                        using Scalar batchSize = size.ToScalar();
                        lossSum.add_(loss.detach(), alpha: batchSize);
                    }
                }

                model.eval();
                (double validationLoss, double metric) = validate();
                bool improved = stopping.Observe(epoch, validationLoss);
                if (improved)
                {
                    Release(best);
                    best = Snapshot(model);
                }

                progress?.Report(new EpochProgress(epoch, lossSum.item<double>() / trainCount, validationLoss, metric, improved, clock.Elapsed.TotalSeconds - epochStart));
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

            Restore(model, best);
        }
        finally
        {
            model.eval();
            Release(best);
        }

        return new TrainingRun(epoch, stopping.BestEpoch, stopping.BestLoss, reason, clock.Elapsed.TotalSeconds);
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
