using System.Numerics;
using System.Runtime.Intrinsics;

namespace SunspotForecaster.Models.Engine;

/// <summary>The recurrent cells' squashing functions in place, vectorised.</summary>
internal static class Activations
{
    /// <summary>
    /// Sigmoid through a float exponential of our own (Cephes' expf: a degree-6 polynomial after
    /// range reduction, within 2 ulp), for training and serving alike: the runtime's vector Exp
    /// computes in double precision, and took several times the gate products' time on small
    /// networks. Tests hold the forecasts it gives to libtorch's.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void FastSigmoid(Span<float> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref start, (nuint)i);
                (Vector256<float>.One / (Vector256<float>.One + FastExp(-v))).StoreUnsafe(ref start, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] = 1 / (1 + MathF.Exp(-values[i]));
        }
    }

    /// <summary>tanh(x) = 2·sigmoid(2x) − 1 with <see cref="FastSigmoid"/>, for training and serving.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void FastTanh(Span<float> values)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(values);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                FastTanh(Vector256.LoadUnsafe(ref start, (nuint)i)).StoreUnsafe(ref start, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] = MathF.Tanh(values[i]);
        }
    }

    /// <summary>The vector step of <see cref="FastTanh(Span{float})"/>, for loops that fuse it with other work.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FastTanh(Vector256<float> v)
    {
        var two = Vector256.Create(2f);
        return two / (Vector256<float>.One + FastExp(-two * v)) - Vector256<float>.One;
    }

    // e^x = 2^n · e^r with n = round(x / ln 2), |r| ≤ ln 2 / 2; inputs clamped to where the result
    // is a normal float (the sigmoid of the clamped value is 0 or 1 in float anyway).
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> FastExp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88.3f));
        Vector256<float> n = Vector256.Round(x * Vector256.Create(1.44269504088896341f));
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        Vector256<float> p = Vector256.Create(1.9875691500e-4f);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.3981999507e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(8.3334519073e-3f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(4.1665795894e-2f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.6666665459e-1f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(5.0000001201e-1f));
        Vector256<float> y = Vector256.FusedMultiplyAdd(p, r * r, r) + Vector256<float>.One;
        Vector256<int> exponent = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23);
        return y * exponent.AsSingle();
    }
}
