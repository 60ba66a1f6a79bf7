using CsCheck;
using SunspotForecaster.Models.Engine;

namespace SunspotForecaster.Models.Tests.Engine;

/// <summary>
/// The register-blocked product against the textbook triple loop, for every size class its blocks
/// and tails meet (rows in fours and one at a time; columns in 24s, 16s, 8s and single ones), with
/// A read as stored and transposed; the one-row product against the general one. The sums run in
/// the same order, so the results agree to the bit.
/// </summary>
public class SmallMatricesTests
{
    [Fact]
    public void Products_equal_the_textbook_loop_bit_for_bit()
    {
        Gen.Select(Gen.Int[1, 13], Gen.Int[1, 40], Gen.Int[1, 70], Gen.Bool, Gen.Int)
            .Sample((m, k, n, transposed, seed) =>
            {
                var random = new Random(seed);
                float[] a = Values(random, m * k);
                float[] b = Values(random, k * n);
                float[] c = Values(random, m * n);
                (int rowStride, int columnStride) = transposed ? (1, m) : (k, 1);

                float[] expected = (float[])c.Clone();
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        float sum = expected[i * n + j];
                        for (int p = 0; p < k; p++)
                        {
                            sum = MathF.FusedMultiplyAdd(a[i * rowStride + p * columnStride], b[p * n + j], sum);
                        }

                        expected[i * n + j] = sum;
                    }
                }

                SmallMatrices.MultiplyAdd(a, rowStride, columnStride, b, n, c, n, m, k, n);

                return c.AsSpan().SequenceEqual(expected);
            }, iter: 500);
    }

    [Fact]
    public void The_row_product_equals_the_general_one_with_one_row_bit_for_bit()
    {
        Gen.Select(Gen.Int[0, 40], Gen.Int[0, 70], Gen.Int)
            .Sample((k, n, seed) =>
            {
                var random = new Random(seed);
                float[] v = Values(random, k);
                float[] w = Values(random, k * n);
                float[] y = Values(random, n);
                float[] original = (float[])y.Clone();
                float[] expected = (float[])y.Clone();
                SmallMatrices.MultiplyAdd(v, k, 1, w, n, expected, n, 1, k, n);

                SmallMatrices.MultiplyAddRow(v, w, y);

                return y.AsSpan().SequenceEqual(expected) && (k == 0 || n == 0 || !y.AsSpan().SequenceEqual(original));
            }, iter: 500);
    }

    [Fact]
    public void A_row_product_with_too_few_weights_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => SmallMatrices.MultiplyAddRow(new float[3], new float[11], new float[4]));

        Assert.Contains("smaller than its dimensions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_matrix_smaller_than_its_dimensions_is_refused()
    {
        var a = new float[11];
        var b = new float[12];
        var c = new float[12];

        var error = Assert.Throws<ArgumentException>(() => SmallMatrices.MultiplyAdd(a, 3, 1, b, 3, c, 3, 4, 3, 3));

        Assert.Contains("smaller than its dimensions", error.Message, StringComparison.Ordinal);
    }

    private static float[] Values(Random random, int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1))];
}
