using SunspotForecaster.Models.Regression;

namespace SunspotForecaster.Models.Tests.Regression;

public class RidgeSolverTests
{
    [Fact]
    public void The_normal_equations_give_back_the_coefficients_that_made_the_right_hand_side()
    {
        const int N = 7;
        var random = new Random(5);
        double[] m = [.. Enumerable.Range(0, N * N).Select(_ => random.NextDouble() - 0.5)];
        var gram = new double[N * N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < N; j++)
            {
                gram[i * N + j] = Enumerable.Range(0, N).Sum(k => m[k * N + i] * m[k * N + j]) + (i == j ? 1 : 0);
            }
        }

        double[] truth = [.. Enumerable.Range(0, N).Select(i => i - 3.5)];
        double[] rhs = [.. Enumerable.Range(0, N).Select(i => Enumerable.Range(0, N).Sum(j => gram[i * N + j] * truth[j]))];

        double[] solved = RidgeSolver.Solve(gram, rhs, N, penalty: 0)!;

        Assert.All(Enumerable.Range(0, N), i => Assert.Equal(truth[i], solved[i], 1e-9));
    }

    [Fact]
    public void A_singular_matrix_needs_a_penalty()
    {
        double[] gram = [1, 1, 1, 1];

        Assert.Null(RidgeSolver.Solve(gram, [1, 1], 2, penalty: 0));
        double[] ridge = RidgeSolver.Solve(gram, [1, 1], 2, penalty: 1)!;
        Assert.Equal(1 / 3.0, ridge[0], 1e-12);
        Assert.Equal(1 / 3.0, ridge[1], 1e-12);
    }
}
