using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Tests.Engine;

/// <summary>
/// The engine's Adam (which both engines train with) against TorchSharp's <c>optim.Adam</c> on the
/// same gradients, on vector-sized and odd-sized weights. Each operation rounds as libtorch's does
/// (checked one by one) except the square root: libtorch's vector kernels compute it within half an
/// ulp but not always correctly rounded, and pick another kernel on another CPU, so libtorch is not
/// bit-reproducible across machines; the engine uses the correctly rounded one. What remains after
/// 20 steps is an ulp or two.
/// </summary>
[Collection(TorchCollection.Name)]
public class AdamTests
{
    [Theory]
    [InlineData(64)]
    [InlineData(67)]
    [InlineData(5)]
    public void Steps_give_optim_adams_weights_to_an_ulp(int size)
    {
        var random = new Random(size);
        float[] start = [.. Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float[][] gradients = [.. Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, size).Select(_ => (float)(random.NextDouble() * 0.2 - 0.1)).ToArray())];

        using var parameter = new Parameter(tensor(start));
        using var optimizer = optim.Adam([parameter], lr: 0.01);
        float[] managed = [.. start];
        var adam = new SunspotForecaster.Models.Engine.Adam(size, 0.01);
        foreach (float[] gradient in gradients)
        {
            optimizer.zero_grad();
            using (no_grad())
            {
                parameter.grad = tensor(gradient);
            }

            optimizer.step();
            adam.BeginStep();
            adam.Update(managed, gradient, 0, size);
        }

        float[] expected = parameter.data<float>().ToArray();
        int[] differing = [.. Enumerable.Range(0, size).Where(i => Math.Abs(expected[i] - managed[i]) > 4 * MathF.BitIncrement(MathF.Abs(expected[i])) - 4 * MathF.Abs(expected[i]))];
        Assert.True(differing.Length == 0, $"{differing.Length} of {size} weights differ by more than 4 ulps, first {string.Join(", ", differing.Take(3).Select(i => $"{i}: {managed[i]:R} against {expected[i]:R}"))}.");
        Assert.NotEqual(start, managed); // the steps moved the weights
    }
}
