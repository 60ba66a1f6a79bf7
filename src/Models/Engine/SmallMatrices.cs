using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SunspotForecaster.Models.Engine;

/// <summary>
/// C += A·B for the small row-major float matrices of a recurrent network's mini-batch (a few
/// dozen rows, a few hundred columns), where a library call's overhead costs more than the
/// arithmetic. Blocks of 4 rows × 24 columns stay in registers across the whole inner dimension
/// (as in BLIS's micro-kernels); each element's products are added in order of the inner index,
/// so the result does not depend on the blocking.
/// </summary>
internal static class SmallMatrices
{
    private const int Width = 8; // floats in a Vector256
    private const int PanelColumns = 3 * Width;
    private const int PanelRows = 4;

    /// <summary>
    /// C[m×n] += A[m×k]·B[k×n], where A(i, p) = a[i·aRowStride + p·aColumnStride] (so A may be
    /// read transposed), B(p, j) = b[p·ldb + j] and C(i, j) = c[i·ldc + j].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // training's first epoch was slower while it ran unoptimised
    public static void MultiplyAdd(ReadOnlySpan<float> a, int aRowStride, int aColumnStride, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int m, int k, int n)
    {
        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        CheckExtents(a.Length, aRowStride, aColumnStride, b.Length, ldb, c.Length, ldc, m, k, n);
        ref float a0 = ref MemoryMarshal.GetReference(a);
        ref float b0 = ref MemoryMarshal.GetReference(b);
        ref float c0 = ref MemoryMarshal.GetReference(c);
        int j = 0;
        for (; j + PanelColumns <= n; j += PanelColumns)
        {
            int i = 0;
            for (; i + PanelRows <= m; i += PanelRows)
            {
                Kernel4x24(ref Unsafe.Add(ref a0, (nint)i * aRowStride), aRowStride, aColumnStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, (nint)i * ldc + j), ldc, k);
            }

            for (; i < m; i++)
            {
                Kernel1x24(ref Unsafe.Add(ref a0, (nint)i * aRowStride), aColumnStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, (nint)i * ldc + j), k);
            }
        }

        if (j + 2 * Width <= n)
        {
            int i = 0;
            for (; i + PanelRows <= m; i += PanelRows)
            {
                Kernel4x16(ref Unsafe.Add(ref a0, (nint)i * aRowStride), aRowStride, aColumnStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, (nint)i * ldc + j), ldc, k);
            }

            for (; i < m; i++)
            {
                Kernel1x8(ref Unsafe.Add(ref a0, (nint)i * aRowStride), aColumnStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, (nint)i * ldc + j), k);
                Kernel1x8(ref Unsafe.Add(ref a0, (nint)i * aRowStride), aColumnStride, ref Unsafe.Add(ref b0, j + Width), ldb, ref Unsafe.Add(ref c0, (nint)i * ldc + j + Width), k);
            }

            j += 2 * Width;
        }

        for (; j + Width <= n; j += Width)
        {
            int i = 0;
            for (; i + PanelRows <= m; i += PanelRows)
            {
                Kernel4x8(ref Unsafe.Add(ref a0, (nint)i * aRowStride), aRowStride, aColumnStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, (nint)i * ldc + j), ldc, k);
            }

            for (; i < m; i++)
            {
                Kernel1x8(ref Unsafe.Add(ref a0, (nint)i * aRowStride), aColumnStride, ref Unsafe.Add(ref b0, j), ldb, ref Unsafe.Add(ref c0, (nint)i * ldc + j), k);
            }
        }

        for (; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                ref float target = ref Unsafe.Add(ref c0, (nint)i * ldc + j);
                float sum = target;
                for (int p = 0; p < k; p++)
                {
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref a0, (nint)i * aRowStride + (nint)p * aColumnStride), Unsafe.Add(ref b0, (nint)p * ldb + j), sum);
                }

                target = sum;
            }
        }
    }

    /// <summary>
    /// y += v·W for a row vector v and W's rows y.Length long (a forecast's steps): the same sums
    /// as <see cref="MultiplyAdd"/> with one row. Left to tiered compilation: compiled optimised
    /// at once, the general method made `bench` serve a fifth fewer forecasts a second.
    /// </summary>
    public static void MultiplyAddRow(ReadOnlySpan<float> v, ReadOnlySpan<float> w, Span<float> y)
    {
        int k = v.Length;
        int n = y.Length;
        if (n == 0 || k == 0)
        {
            return;
        }

        CheckExtents(k, k, 1, w.Length, n, n, n, 1, k, n);
        ref float a0 = ref MemoryMarshal.GetReference(v);
        ref float b0 = ref MemoryMarshal.GetReference(w);
        ref float c0 = ref MemoryMarshal.GetReference(y);
        int j = 0;
        for (; j + PanelColumns <= n; j += PanelColumns)
        {
            Kernel1x24(ref a0, 1, ref Unsafe.Add(ref b0, j), n, ref Unsafe.Add(ref c0, j), k);
        }

        for (; j + Width <= n; j += Width)
        {
            Kernel1x8(ref a0, 1, ref Unsafe.Add(ref b0, j), n, ref Unsafe.Add(ref c0, j), k);
        }

        for (; j < n; j++)
        {
            float sum = y[j];
            for (int p = 0; p < k; p++)
            {
                sum = MathF.FusedMultiplyAdd(v[p], w[p * n + j], sum);
            }

            y[j] = sum;
        }
    }

    // The kernels index without bounds checks: the extents are checked once, here.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckExtents(int aLength, int aRowStride, int aColumnStride, int bLength, int ldb, int cLength, int ldc, int m, int k, int n)
    {
        if ((long)(m - 1) * aRowStride + (long)(k - 1) * aColumnStride >= aLength || (long)(k - 1) * ldb + n > bLength || (long)(m - 1) * ldc + n > cLength)
        {
            throw new ArgumentException("A matrix is smaller than its dimensions say.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x24(ref float a, nint aRow, nint aColumn, ref float b, nint ldb, ref float c, nint ldc, int k)
    {
        ref float c1 = ref Unsafe.Add(ref c, ldc);
        ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
        Vector256<float> s00 = Vector256.LoadUnsafe(ref c), s01 = Vector256.LoadUnsafe(ref c, Width), s02 = Vector256.LoadUnsafe(ref c, 2 * Width);
        Vector256<float> s10 = Vector256.LoadUnsafe(ref c1), s11 = Vector256.LoadUnsafe(ref c1, Width), s12 = Vector256.LoadUnsafe(ref c1, 2 * Width);
        Vector256<float> s20 = Vector256.LoadUnsafe(ref c2), s21 = Vector256.LoadUnsafe(ref c2, Width), s22 = Vector256.LoadUnsafe(ref c2, 2 * Width);
        Vector256<float> s30 = Vector256.LoadUnsafe(ref c3), s31 = Vector256.LoadUnsafe(ref c3, Width), s32 = Vector256.LoadUnsafe(ref c3, 2 * Width);
        for (nint p = 0; p < k; p++)
        {
            ref float row = ref Unsafe.Add(ref b, p * ldb);
            Vector256<float> b0 = Vector256.LoadUnsafe(ref row), b1 = Vector256.LoadUnsafe(ref row, Width), b2 = Vector256.LoadUnsafe(ref row, 2 * Width);
            ref float column = ref Unsafe.Add(ref a, p * aColumn);
            Vector256<float> x = Vector256.Create(column);
            s00 = Vector256.FusedMultiplyAdd(x, b0, s00);
            s01 = Vector256.FusedMultiplyAdd(x, b1, s01);
            s02 = Vector256.FusedMultiplyAdd(x, b2, s02);
            x = Vector256.Create(Unsafe.Add(ref column, aRow));
            s10 = Vector256.FusedMultiplyAdd(x, b0, s10);
            s11 = Vector256.FusedMultiplyAdd(x, b1, s11);
            s12 = Vector256.FusedMultiplyAdd(x, b2, s12);
            x = Vector256.Create(Unsafe.Add(ref column, 2 * aRow));
            s20 = Vector256.FusedMultiplyAdd(x, b0, s20);
            s21 = Vector256.FusedMultiplyAdd(x, b1, s21);
            s22 = Vector256.FusedMultiplyAdd(x, b2, s22);
            x = Vector256.Create(Unsafe.Add(ref column, 3 * aRow));
            s30 = Vector256.FusedMultiplyAdd(x, b0, s30);
            s31 = Vector256.FusedMultiplyAdd(x, b1, s31);
            s32 = Vector256.FusedMultiplyAdd(x, b2, s32);
        }

        s00.StoreUnsafe(ref c); s01.StoreUnsafe(ref c, Width); s02.StoreUnsafe(ref c, 2 * Width);
        s10.StoreUnsafe(ref c1); s11.StoreUnsafe(ref c1, Width); s12.StoreUnsafe(ref c1, 2 * Width);
        s20.StoreUnsafe(ref c2); s21.StoreUnsafe(ref c2, Width); s22.StoreUnsafe(ref c2, 2 * Width);
        s30.StoreUnsafe(ref c3); s31.StoreUnsafe(ref c3, Width); s32.StoreUnsafe(ref c3, 2 * Width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x24(ref float a, nint aColumn, ref float b, nint ldb, ref float c, int k)
    {
        Vector256<float> s0 = Vector256.LoadUnsafe(ref c), s1 = Vector256.LoadUnsafe(ref c, Width), s2 = Vector256.LoadUnsafe(ref c, 2 * Width);
        for (nint p = 0; p < k; p++)
        {
            ref float row = ref Unsafe.Add(ref b, p * ldb);
            Vector256<float> x = Vector256.Create(Unsafe.Add(ref a, p * aColumn));
            s0 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref row), s0);
            s1 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref row, Width), s1);
            s2 = Vector256.FusedMultiplyAdd(x, Vector256.LoadUnsafe(ref row, 2 * Width), s2);
        }

        s0.StoreUnsafe(ref c); s1.StoreUnsafe(ref c, Width); s2.StoreUnsafe(ref c, 2 * Width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x16(ref float a, nint aRow, nint aColumn, ref float b, nint ldb, ref float c, nint ldc, int k)
    {
        ref float c1 = ref Unsafe.Add(ref c, ldc);
        ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
        Vector256<float> s00 = Vector256.LoadUnsafe(ref c), s01 = Vector256.LoadUnsafe(ref c, Width);
        Vector256<float> s10 = Vector256.LoadUnsafe(ref c1), s11 = Vector256.LoadUnsafe(ref c1, Width);
        Vector256<float> s20 = Vector256.LoadUnsafe(ref c2), s21 = Vector256.LoadUnsafe(ref c2, Width);
        Vector256<float> s30 = Vector256.LoadUnsafe(ref c3), s31 = Vector256.LoadUnsafe(ref c3, Width);
        for (nint p = 0; p < k; p++)
        {
            ref float row = ref Unsafe.Add(ref b, p * ldb);
            Vector256<float> b0 = Vector256.LoadUnsafe(ref row), b1 = Vector256.LoadUnsafe(ref row, Width);
            ref float column = ref Unsafe.Add(ref a, p * aColumn);
            Vector256<float> x = Vector256.Create(column);
            s00 = Vector256.FusedMultiplyAdd(x, b0, s00);
            s01 = Vector256.FusedMultiplyAdd(x, b1, s01);
            x = Vector256.Create(Unsafe.Add(ref column, aRow));
            s10 = Vector256.FusedMultiplyAdd(x, b0, s10);
            s11 = Vector256.FusedMultiplyAdd(x, b1, s11);
            x = Vector256.Create(Unsafe.Add(ref column, 2 * aRow));
            s20 = Vector256.FusedMultiplyAdd(x, b0, s20);
            s21 = Vector256.FusedMultiplyAdd(x, b1, s21);
            x = Vector256.Create(Unsafe.Add(ref column, 3 * aRow));
            s30 = Vector256.FusedMultiplyAdd(x, b0, s30);
            s31 = Vector256.FusedMultiplyAdd(x, b1, s31);
        }

        s00.StoreUnsafe(ref c); s01.StoreUnsafe(ref c, Width);
        s10.StoreUnsafe(ref c1); s11.StoreUnsafe(ref c1, Width);
        s20.StoreUnsafe(ref c2); s21.StoreUnsafe(ref c2, Width);
        s30.StoreUnsafe(ref c3); s31.StoreUnsafe(ref c3, Width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x8(ref float a, nint aRow, nint aColumn, ref float b, nint ldb, ref float c, nint ldc, int k)
    {
        ref float c1 = ref Unsafe.Add(ref c, ldc);
        ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
        ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
        Vector256<float> s0 = Vector256.LoadUnsafe(ref c), s1 = Vector256.LoadUnsafe(ref c1), s2 = Vector256.LoadUnsafe(ref c2), s3 = Vector256.LoadUnsafe(ref c3);
        for (nint p = 0; p < k; p++)
        {
            Vector256<float> row = Vector256.LoadUnsafe(ref Unsafe.Add(ref b, p * ldb));
            ref float column = ref Unsafe.Add(ref a, p * aColumn);
            s0 = Vector256.FusedMultiplyAdd(Vector256.Create(column), row, s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref column, aRow)), row, s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref column, 2 * aRow)), row, s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref column, 3 * aRow)), row, s3);
        }

        s0.StoreUnsafe(ref c); s1.StoreUnsafe(ref c1); s2.StoreUnsafe(ref c2); s3.StoreUnsafe(ref c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x8(ref float a, nint aColumn, ref float b, nint ldb, ref float c, int k)
    {
        Vector256<float> s = Vector256.LoadUnsafe(ref c);
        for (nint p = 0; p < k; p++)
        {
            s = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a, p * aColumn)), Vector256.LoadUnsafe(ref Unsafe.Add(ref b, p * ldb)), s);
        }

        s.StoreUnsafe(ref c);
    }
}
