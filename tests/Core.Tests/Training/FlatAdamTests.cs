using SunspotForecaster.Core.Networks;
using SunspotForecaster.Core.Training;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Tests.Training;

/// <summary>
/// The training loop's Adam on one flat buffer (with the epoch's order as one tensor and the loss
/// summed in a tensor) must leave the weights exactly as the textbook loop leaves them: TorchSharp's
/// own Adam, a new index tensor per batch. Both run on the same CPU and threads here, so the
/// comparison is byte for byte, and the README's figures (measured with the textbook loop) hold.
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
    public void Steps_survive_garbage_collections_on_another_thread()
    {
        // Training shares its process with serving and with other trainings, so a collection can
        // run while a step is inside libtorch. A Scalar made implicitly from a double and
        // unreachable once its handle was read could then be finalized, and freed, while libtorch
        // read it. The same step with implicit Scalars (as optim.Adam makes them) failed this 3 times in 3.
        using var network = new RecurrentRegressor(RecurrentCell.Lstm, 16, layers: 1, dropout: 0, denseSize: 16);
        SeededInitialisation.Apply(network, Seed);
        using var optimizer = new FlatAdam(network.parameters(), LearningRate);
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

    private static void FastLoop(RecurrentRegressor network, Tensor inputs, Tensor targets)
    {
        // A validation loss that falls every epoch: every epoch is the best, so the last one's weights are kept.
        double validation = 1e9;
        ModelTrainer.Train(
            network,
            Samples,
            indices => nn.functional.mse_loss(network.forward(inputs.index_select(0, indices)), targets.index_select(0, indices)),
            () => (validation /= 2, 0),
            new ModelTrainer.LoopOptions(BatchSize, LearningRate, Epochs, Patience: 10, MinDelta: 0, Seed, Budget: null),
            progress: null,
            CancellationToken.None);
    }

    // What ModelTrainer did before: shuffle with the seed, a new index tensor per batch, optim.Adam.
    private static void TextbookLoop(RecurrentRegressor network, Tensor inputs, Tensor targets)
    {
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
            }

            network.eval();
        }
    }
}
