using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Tests.Networks;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Models.Training;
using SunspotForecaster.Testing.Training;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Tests.Training;

/// <summary>
/// Managed training must compute what libtorch's autograd computes for the same network: the loss
/// and every parameter's gradient, to float rounding (the sums run in another order). Shapes
/// include hidden sizes that are not multiples of a vector's width, windows of one day, and
/// batches that do not fill their last chunk.
/// </summary>
[Collection(TorchCollection.Name)]
public class ManagedLstmStepsTests
{
    private static readonly SunspotForecaster.Models.Data.SunspotSeries Series = SyntheticData.Series();

    [Theory]
    [InlineData(16, 8, 8, 32, 1)]
    [InlineData(24, 60, 32, 64, 1)]
    [InlineData(12, 5, 7, 50, 2)] // tails everywhere; 50 rows are four chunks of 16, the last of 2
    [InlineData(64, 10, 32, 32, 2)] // the course's network
    [InlineData(9, 1, 3, 17, 1)]
    public void A_batch_gives_autograds_loss_and_gradients(int hidden, int window, int dense, int batch, int threads)
    {
        var shape = new RegressorShape(RecurrentCell.Lstm, hidden, 1, 0, dense);
        PreparedSeries data = SeriesPreparation.Prepare(Series, LearnableData.Split, window);
        long[] order = [.. Enumerable.Range(0, data.Train.Count).Select(i => (long)((i * 7919L) % data.Train.Count))];
        using RecurrentRegressor network = SeededNetworks.Module(shape, 5);
        ManagedRegressor managedNetwork = SeededNetworks.Managed(shape, 5);

        // Autograd first: the managed steps change the network's weights when they write them back.
        (double loss, float[] expected) = Autograd(network, data.Train, order.AsSpan(0, batch));

        using var steps = new ManagedLstmSteps(managedNetwork, data.Train, batch, learningRate: 1e-3, averageDecay: null, threads);
        steps.BeginEpoch(order);
        steps.Step(0, batch);
        double managedLoss = steps.EndEpoch() / batch;
        float[] actual = steps.Gradient.ToArray();

        Assert.Equal(expected.Length, actual.Length);
        Assert.True(Math.Abs(managedLoss - loss) <= 1e-5 * loss, $"Loss {managedLoss} against autograd's {loss}.");
        double norm = Math.Sqrt(expected.Sum(g => (double)g * g));
        double difference = Math.Sqrt(expected.Zip(actual, (e, a) => (double)(e - a) * (e - a)).Sum());
        Assert.True(norm > 1e-3, "The gradient is too small for the comparison to mean anything.");
        Assert.True(difference <= 1e-4 * norm, $"Gradients differ by {difference:E2} against a norm of {norm:E2}.");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * norm, $"Parameter {i}: {actual[i]} against autograd's {expected[i]}.");
        }
    }

    [Theory]
    [InlineData(24, 60, 32, 1)]
    [InlineData(12, 5, 7, 2)]
    public void Validation_forecasts_are_libtorchs(int hidden, int window, int dense, int threads)
    {
        var shape = new RegressorShape(RecurrentCell.Lstm, hidden, 1, 0, dense);
        PreparedSeries data = SeriesPreparation.Prepare(Series, LearnableData.Split, window);
        using RecurrentRegressor network = SeededNetworks.Module(shape, 6);
        ManagedRegressor managedNetwork = SeededNetworks.Managed(shape, 6);
        using var steps = new ManagedLstmSteps(managedNetwork, data.Train, 64, learningRate: 1e-3, averageDecay: null, threads);

        float[] managed = steps.PredictNextDay(data.Validation, data.Scaler);

        float[] expected;
        using (no_grad())
        using (NewDisposeScope())
        {
            WindowSet windows = data.Validation;
            expected = [.. network.forward(tensor(windows.Inputs, [windows.Count, window, 1])).data<float>().ToArray().Select(data.Scaler.Unscale)];
        }

        Assert.Equal(expected.Length, managed.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - managed[i]) <= 1e-3f + 1e-5f * Math.Abs(expected[i]), $"Window {i}: {managed[i]} against libtorch's {expected[i]}.");
        }
    }

    [Fact]
    public void The_weights_do_not_depend_on_the_thread_count()
    {
        float[] one = TrainedWeights(threads: 1);
        float[] two = TrainedWeights(threads: 2);
        float[] four = TrainedWeights(threads: 4);

        Assert.True(one.AsSpan().SequenceEqual(two), "Two threads gave other weights than one.");
        Assert.True(one.AsSpan().SequenceEqual(four), "Four threads gave other weights than one.");
    }

    [Fact]
    public void Training_lowers_the_loss_and_writes_the_kept_weights_back()
    {
        var shape = new RegressorShape(RecurrentCell.Lstm, 8, 1, 0, 8);
        PreparedSeries data = SeriesPreparation.Prepare(Series, LearnableData.Split, 8);
        ManagedRegressor managedNetwork = SeededNetworks.Managed(shape, 3);
        float[] before = [.. managedNetwork.Weights];
        long[] order = [.. Enumerable.Range(0, data.Train.Count).Select(i => (long)i)];
        using var steps = new ManagedLstmSteps(managedNetwork, data.Train, 32, learningRate: 0.01, averageDecay: null, threads: 1);

        double[] losses = new double[5];
        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            steps.BeginEpoch(order);
            for (int start = 0; start < order.Length; start += 32)
            {
                steps.Step(start, Math.Min(32, order.Length - start));
            }

            losses[epoch] = steps.EndEpoch() / order.Length;
        }

        steps.KeepBest();
        float[] kept = [.. managedNetwork.Weights];
        steps.Step(0, 32);
        steps.RestoreBest();
        Assert.False(managedNetwork.Weights.AsSpan().SequenceEqual(before), "Training changed no weight.");
        Assert.True(managedNetwork.Weights.AsSpan().SequenceEqual(kept), "Restoring did not put the kept weights back.");
        // Measured: 0.0620 to 0.0546 (the first epoch already learns most of what there is).
        Assert.True(losses[^1] < 0.95 * losses[0], $"The training loss went from {losses[0]:0.0000} to {losses[^1]:0.0000}.");
    }

    private static float[] TrainedWeights(int threads)
    {
        var shape = new RegressorShape(RecurrentCell.Lstm, 16, 1, 0, 8);
        PreparedSeries data = SeriesPreparation.Prepare(Series, LearnableData.Split, 8);
        ManagedRegressor managedNetwork = SeededNetworks.Managed(shape, 4);
        long[] order = [.. Enumerable.Range(0, data.Train.Count).Select(i => (long)i)];
        using var steps = new ManagedLstmSteps(managedNetwork, data.Train, 64, learningRate: 0.01, averageDecay: 0.9, threads);
        steps.BeginEpoch(order);
        for (int start = 0; start < 640; start += 64)
        {
            steps.Step(start, 64);
        }

        steps.KeepBest();
        steps.RestoreBest();
        return [.. managedNetwork.Weights];
    }

    private static (double Loss, float[] Gradient) Autograd(RecurrentRegressor network, WindowSet windows, ReadOnlySpan<long> batch)
    {
        int window = windows.WindowLength;
        var inputs = new float[batch.Length * window];
        var targets = new float[batch.Length];
        for (int r = 0; r < batch.Length; r++)
        {
            windows.Input((int)batch[r]).CopyTo(inputs.AsSpan(r * window, window));
            targets[r] = windows.Targets[batch[r]];
        }

        using var scope = NewDisposeScope();
        network.train();
        network.zero_grad();
        Tensor loss = nn.functional.mse_loss(network.forward(tensor(inputs, [batch.Length, window, 1])), tensor(targets, [batch.Length, 1]));
        loss.backward();
        network.eval();
        float[] gradient = [.. network.parameters().SelectMany(p => p.grad!.data<float>().ToArray())];
        return (loss.item<float>(), gradient);
    }
}
