using System.Numerics;

namespace SunspotForecaster.Models.Regression;

/// <summary>
/// The normal equations of a ridge regression, in double precision and managed code: the Cholesky
/// factor of a symmetric positive-definite matrix (row-major, n × n), solves with it, and dot
/// products vectorised over the machine's SIMD width.
/// </summary>
public static class RidgeSolver
{
    /// <summary>
    /// Factorises <paramref name="matrix"/> (symmetric, row-major, <paramref name="n"/> × n; only its
    /// lower triangle is read) in place into its lower Cholesky factor L, matrix = L Lᵀ. False when
    /// the matrix is not positive definite (a pivot not above zero); the contents are then undefined.
    /// </summary>
    public static bool TryCholesky(Span<double> matrix, int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(matrix.Length, n * n);
        for (int j = 0; j < n; j++)
        {
            Span<double> rowJ = matrix.Slice(j * n, j);
            double pivot = matrix[j * n + j] - Dot(rowJ, rowJ);
            if (!(pivot > 0) || !double.IsFinite(pivot))
            {
                return false;
            }

            double diagonal = Math.Sqrt(pivot);
            matrix[j * n + j] = diagonal;
            for (int i = j + 1; i < n; i++)
            {
                matrix[i * n + j] = (matrix[i * n + j] - Dot(matrix.Slice(i * n, j), rowJ)) / diagonal;
            }
        }

        return true;
    }

    /// <summary>Solves L Lᵀ x = <paramref name="rhs"/> in place, L the lower factor from <see cref="TryCholesky"/>.</summary>
    public static void SolveCholesky(ReadOnlySpan<double> factor, int n, Span<double> rhs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor.Length, n * n);
        ArgumentOutOfRangeException.ThrowIfLessThan(rhs.Length, n);
        for (int i = 0; i < n; i++)
        {
            rhs[i] = (rhs[i] - Dot(factor.Slice(i * n, i), rhs[..i])) / factor[i * n + i];
        }

        for (int i = n - 1; i >= 0; i--)
        {
            double sum = rhs[i];
            for (int k = i + 1; k < n; k++)
            {
                sum -= factor[k * n + i] * rhs[k];
            }

            rhs[i] = sum / factor[i * n + i];
        }
    }

    /// <summary>
    /// The ridge solution β of (<paramref name="gram"/> + <paramref name="penalty"/> I) β =
    /// <paramref name="moments"/>, the gram matrix <paramref name="n"/> × n row-major; null when the
    /// penalised matrix is not positive definite (collinear features without a penalty).
    /// </summary>
    public static double[]? Solve(ReadOnlySpan<double> gram, ReadOnlySpan<double> moments, int n, double penalty)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gram.Length, n * n);
        ArgumentOutOfRangeException.ThrowIfLessThan(moments.Length, n);
        if (!(penalty >= 0) || !double.IsFinite(penalty))
        {
            throw new ArgumentOutOfRangeException(nameof(penalty), penalty, "The penalty is finite and not negative.");
        }

        double[] factor = gram[..(n * n)].ToArray();
        for (int i = 0; i < n; i++)
        {
            factor[i * n + i] += penalty;
        }

        if (!TryCholesky(factor, n))
        {
            return null;
        }

        double[] beta = moments[..n].ToArray();
        SolveCholesky(factor, n, beta);
        return beta;
    }

    /// <summary>The dot product of two spans of the same length.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(b.Length, a.Length);
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && a.Length >= 2 * Vector<double>.Count)
        {
            var accumulator = Vector<double>.Zero;
            for (; i <= a.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                accumulator += new Vector<double>(a[i..]) * new Vector<double>(b[i..]);
            }

            sum = Vector.Sum(accumulator);
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
