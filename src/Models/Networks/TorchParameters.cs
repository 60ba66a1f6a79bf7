using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Networks;

/// <summary>
/// The one reader and writer between a TorchSharp module's parameters and flat weights: the
/// parameters in the module's order (<c>parameters()</c>), which is
/// <see cref="Engine.NetworkLayout"/>'s, their values one after another.
/// </summary>
internal static class TorchParameters
{
    /// <summary>The module's parameter values, flat.</summary>
    public static float[] Read(nn.Module module)
    {
        using var noGrad = no_grad();
        Parameter[] parameters = [.. module.parameters()];
        var weights = new float[parameters.Sum(p => p.numel())];
        int offset = 0;
        foreach (Parameter parameter in parameters)
        {
            int count = (int)parameter.numel();
            parameter.data<float>().ToArray().CopyTo(weights.AsSpan(offset, count));
            offset += count;
        }

        return weights;
    }

    /// <summary>Sets the module's parameters to <paramref name="weights"/>.</summary>
    public static void Write(nn.Module module, ReadOnlySpan<float> weights)
    {
        using var noGrad = no_grad();
        int offset = 0;
        foreach (Parameter parameter in module.parameters())
        {
            int count = (int)parameter.numel();
            using Tensor source = tensor(weights.Slice(offset, count).ToArray(), parameter.shape);
            parameter.copy_(source);
            offset += count;
        }

        if (offset != weights.Length)
        {
            throw new ArgumentException($"The module has {offset} weights; {weights.Length} were given.", nameof(weights));
        }
    }

    /// <summary>The parameters' gradients, flat (zero where a parameter has none).</summary>
    public static void ReadGradients(nn.Module module, Span<float> gradients)
    {
        int offset = 0;
        foreach (Parameter parameter in module.parameters())
        {
            int count = (int)parameter.numel();
            Span<float> slice = gradients.Slice(offset, count);
            using Tensor? gradient = parameter.grad;
            if (gradient is null)
            {
                slice.Clear();
            }
            else
            {
                gradient.data<float>().ToArray().CopyTo(slice);
            }

            offset += count;
        }
    }
}
