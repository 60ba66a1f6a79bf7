using SunspotForecaster.Core.Networks;
using SunspotForecaster.Core.Training;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Tests.Training;

/// <summary>
/// The training loop's speed-ups (Adam on one flat buffer, the epoch's order as one tensor, the
/// loss summed in a tensor) must leave the weights exactly as the textbook loop leaves them:
/// TorchSharp's own Adam, a new index tensor per batch. Both run on the same CPU and threads here,
/// so the comparison is byte for byte.
/// </summary>
[Collection(TorchCollection.Name)]
public class FlatAdamTests
{
    private const int Samples = 300;
    private const int Window = 6;
    private const int BatchSize = 32;
    private const double LearningRate = 0.01;
    private const int Epochs = 3;
    private const int Seed = 11;

    [Theory]
    [InlineData(RecurrentCell.Lstm, 16)] // sizes that are multiples of 64 (flat) and others (alone)
    [InlineData(RecurrentCell.Gru, 8)]
    public void The_fast_loop_gives_the_weights_of_the_textbook_loop_bit_for_bit(RecurrentCell cell, int hidden)
    {
        var generator = new Generator(5);
        using Tensor inputs = randn([Samples, Window, 1], generator: generator);
        using Tensor targets = randn([Samples, 1], generator: generator);

        byte[] fast = Train(cell, hidden, network => FastLoop(network, inputs, targets));
        byte[] textbook = Train(cell, hidden, network => TextbookLoop(network, inputs, targets));

        Assert.True(fast.AsSpan().SequenceEqual(textbook), "The fast loop's weights differ from the textbook loop's.");
    }

    [Fact]
    public void With_weight_averaging_the_kept_weights_are_the_moving_average_of_the_steps()
    {
        const double Decay = 0.99;
        var generator = new Generator(6);
        using Tensor inputs = randn([Samples, Window, 1], generator: generator);
        using Tensor targets = randn([Samples, 1], generator: generator);

        byte[] averaged = Train(RecurrentCell.Lstm, 16, network => FastLoop(network, inputs, targets, Decay));
        byte[] plain = Train(RecurrentCell.Lstm, 16, network => FastLoop(network, inputs, targets));
        byte[] expected = Train(RecurrentCell.Lstm, 16, network => TextbookLoop(network, inputs, targets, Decay));

        Assert.True(averaged.AsSpan().SequenceEqual(expected), "The kept weights are not the moving average of the steps' weights.");
        Assert.False(averaged.AsSpan().SequenceEqual(plain), "Averaging changed nothing, so this test proves nothing.");
    }

    [Fact]
    public void Steps_survive_garbage_collections_on_another_thread()
    {
        // Members train on threads of their own, so a collection can run while a step is inside
        // libtorch. A Scalar made implicitly from a double and unreachable once its handle was read
        // could then be finalized, and freed, while libtorch read it.
        using var network = new RecurrentRegressor(RecurrentCell.Lstm, 16, layers: 1, dropout: 0, denseSize: 16);
        SeededInitialisation.Apply(network, Seed);
        using var optimizer = new FlatAdam(network.parameters(), LearningRate, averageDecay: 0.99);
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.Start();
        try
        {
            for (int step = 0; step < 20_000; step++)
            {
                optimizer.Step();
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }

    private static byte[] Train(RecurrentCell cell, int hidden, Action<RecurrentRegressor> loop)
    {
        using var network = new RecurrentRegressor(cell, hidden, layers: 1, dropout: 0, denseSize: hidden);
        SeededInitialisation.Apply(network, Seed);
        loop(network);
        using var stream = new MemoryStream();
        network.save(stream);
        return stream.ToArray();
    }

    private static void FastLoop(RecurrentRegressor network, Tensor inputs, Tensor targets, double? averageDecay = null)
    {
        // A validation loss that falls every epoch: every epoch is the best, so the last one's weights are kept.
        double validation = 1e9;
        ModelTrainer.Train(
            network,
            Samples,
            indices => nn.functional.mse_loss(network.forward(inputs.index_select(0, indices)), targets.index_select(0, indices)),
            () => (validation /= 2, 0),
            new ModelTrainer.LoopOptions(BatchSize, LearningRate, Epochs, Patience: 10, MinDelta: 0, Seed, Budget: null, WeightAverageDecay: averageDecay),
            progress: null,
            CancellationToken.None);
    }

    // What ModelTrainer did before: shuffle with the seed, a new index tensor per batch, optim.Adam;
    // with a decay, the moving average of the weights after each step, which is what is kept.
    private static void TextbookLoop(RecurrentRegressor network, Tensor inputs, Tensor targets, double? averageDecay = null)
    {
        List<Tensor>? average = null;
        long steps = 0;
        var random = new Random(Seed);
        long[] order = [.. Enumerable.Range(0, Samples).Select(i => (long)i)];
        using var optimizer = optim.Adam(network.parameters(), lr: LearningRate);
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            random.Shuffle(order);
            network.train();
            for (int start = 0; start < Samples; start += BatchSize)
            {
                using var scope = NewDisposeScope();
                Tensor indices = tensor(order.AsSpan(start, Math.Min(BatchSize, Samples - start)).ToArray());
                optimizer.zero_grad();
                Tensor loss = nn.functional.mse_loss(network.forward(inputs.index_select(0, indices)), targets.index_select(0, indices));
                loss.backward();
                optimizer.step();
                steps++;
                if (averageDecay is double decay)
                {
                    using var noGrad = no_grad();
                    double weight = Math.Min(decay, (1.0 + steps) / (10.0 + steps));
                    average ??= [.. network.parameters().Select(p => p.detach().clone().DetachFromDisposeScope())];
                    foreach ((Tensor mean, Tensor parameter) in average.Zip(network.parameters()))
                    {
                        mean.mul_(weight).add_(parameter.detach(), alpha: 1 - weight);
                    }
                }
            }

            network.eval();
        }

        if (average is not null)
        {
            using var noGrad = no_grad();
            foreach ((Tensor mean, Tensor parameter) in average.Zip(network.parameters()))
            {
                parameter.copy_(mean);
                mean.Dispose();
            }
        }
    }
}
