using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Networks;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Tests.Engine;

/// <summary>The car classifier's managed forward pass against libtorch's for the same weights, and shared by threads without a lock.</summary>
[Collection(TorchCollection.Name)]
public class ManagedClassifierTests
{
    private const int Classes = 4;
    private const int Hidden = 20;

    [Fact]
    public void Probabilities_agree_with_libtorchs_forward_pass_and_softmax()
    {
        float[] weights = SeededInitialisation.Weights(NetworkLayout.Classifier(Classes, Hidden), 5);
        using var module = new SequenceClassifier(Classes, Hidden, 0.2);
        TorchParameters.Write(module, weights);
        module.eval();
        var managed = new ManagedClassifier(Classes, Hidden, weights);
        var random = new Random(2);
        int[][] sequences = [.. Enumerable.Range(0, 70).Select(_ => Enumerable.Range(0, 9).Select(_ => random.Next(Classes)).ToArray())];

        float[] ours = managed.Probabilities(sequences);
        float[] expected;
        using (no_grad())
        using (NewDisposeScope())
        {
            var x = new float[sequences.Length * 9 * Classes];
            for (int i = 0; i < sequences.Length; i++)
            {
                for (int t = 0; t < 9; t++)
                {
                    x[(i * 9 + t) * Classes + sequences[i][t]] = 1;
                }
            }

            expected = nn.functional.softmax(module.forward(tensor(x, [sequences.Length, 9, Classes])), 1).data<float>().ToArray();
        }

        Assert.Equal(expected.Length, ours.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], ours[i], 1e-5f);
        }
    }

    [Fact]
    public void Threads_classifying_at_once_get_the_answers_of_one_at_a_time()
    {
        var managed = new ManagedClassifier(Classes, Hidden, SeededInitialisation.Weights(NetworkLayout.Classifier(Classes, Hidden), 6));
        var random = new Random(3);
        int[][] sequences = [.. Enumerable.Range(0, 32).Select(_ => Enumerable.Range(0, random.Next(1, 20)).Select(_ => random.Next(Classes)).ToArray())];
        float[][] serial = [.. sequences.Select(s => managed.Probabilities([s]))];

        var concurrent = new float[sequences.Length * 10][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => concurrent[i] = managed.Probabilities([sequences[i % sequences.Length]]));

        for (int i = 0; i < concurrent.Length; i++)
        {
            Assert.Equal(serial[i % sequences.Length], concurrent[i]);
        }
    }
}
