using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Tests.Networks;
using SunspotForecaster.Models.Training;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Tests.Training;

/// <summary>
/// The TorchSharp engine's loop (the engine's managed <see cref="SunspotForecaster.Models.Engine.Adam"/>
/// on the parameters copied out and back, the epoch's order as one tensor, the loss summed in a
/// tensor) must leave the weights exactly as the textbook loop leaves them: TorchSharp's own
/// <c>optim.Adam</c>, a new index tensor per batch. Both run on the same CPU and threads here, so
/// the comparison is byte for byte: the one Adam both engines use is libtorch's to the bit.
/// </summary>
[Collection(TorchCollection.Name)]
public class TorchStepsTests
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
    public void The_loop_gives_the_weights_of_the_textbook_loop(RecurrentCell cell, int hidden)
    {
        var generator = new Generator(5);
        using Tensor inputs = randn([Samples, Window, 1], generator: generator);
        using Tensor targets = randn([Samples, 1], generator: generator);

        float[] fast = Train(cell, hidden, network => FastLoop(network, inputs, targets));
        float[] textbook = Train(cell, hidden, network => TextbookLoop(network, inputs, targets));

        AssertClose(fast, textbook, "The fast loop's weights differ from the textbook loop's");
    }

    [Fact]
    public void With_weight_averaging_the_kept_weights_are_the_moving_average_of_the_steps()
    {
        const double Decay = 0.99;
        var generator = new Generator(6);
        using Tensor inputs = randn([Samples, Window, 1], generator: generator);
        using Tensor targets = randn([Samples, 1], generator: generator);

        float[] averaged = Train(RecurrentCell.Lstm, 16, network => FastLoop(network, inputs, targets, Decay));
        float[] plain = Train(RecurrentCell.Lstm, 16, network => FastLoop(network, inputs, targets));
        float[] expected = Train(RecurrentCell.Lstm, 16, network => TextbookLoop(network, inputs, targets, Decay));

        AssertClose(averaged, expected, "The kept weights are not the moving average of the steps' weights");
        Assert.False(averaged.AsSpan().SequenceEqual(plain), "Averaging changed nothing, so this test proves nothing.");
    }

    // The same update with libtorch's square root, which on vector kernels is within half an ulp
    // but not always correctly rounded (and is another kernel on another CPU): after 30 steps the
    // weights agree to about 1e-6 of their size; a wrong loop or update would be off by far more.
    private static void AssertClose(float[] a, float[] e, string what)
    {
        Assert.Equal(e.Length, a.Length);
        double worst = Enumerable.Range(0, a.Length).Max(i => Math.Abs(a[i] - e[i]));
        Assert.True(worst <= 1e-5, $"{what}: by up to {worst:E2}.");
    }

    private static float[] Train(RecurrentCell cell, int hidden, Action<RecurrentRegressor> loop)
    {
        using RecurrentRegressor network = SeededNetworks.Module(new RegressorShape(cell, hidden, 1, 0, hidden), Seed);
        loop(network);
        return TorchParameters.Read(network);
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
            new ModelTrainer.LoopSettings(BatchSize, LearningRate, Epochs, Patience: 10, MinDelta: 0, Seed, Budget: null, WeightAverageDecay: averageDecay),
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
