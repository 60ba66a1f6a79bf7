namespace SunspotForecaster.Models.Engine;

/// <summary>
/// A network's starting weights from a seed of its own, with PyTorch's default distributions: a
/// recurrent layer's weights and biases uniform in ±1/√hidden, a linear layer's in ±1/√inputs,
/// drawn module after module in TorchSharp's <c>named_modules()</c> order (breadth first: the
/// linear layers, children of the network, before the recurrent one, a grandchild), each module's
/// parameters in order. libtorch's constructors draw from one
/// process-wide generator, so two trainings in one process (the Functions app trains the car
/// model and the forecaster side by side) would take each other's numbers; a private
/// <see cref="Random"/> makes the weights depend on the seed alone, and needs no libtorch.
/// </summary>
public static class SeededInitialisation
{
    /// <summary>The starting weights of a network laid out as <paramref name="layout"/>.</summary>
    public static float[] Weights(NetworkLayout layout, int seed)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var random = new Random(seed);
        var weights = new float[layout.Count];
        IEnumerable<NetworkLayout.Parameter> drawOrder = layout.Parameters
            .Select((p, index) => (Parameter: p, Index: index))
            .OrderBy(p => Module(p.Parameter.Name).Count(c => c == '.'))
            .ThenBy(p => p.Index)
            .Select(p => p.Parameter);
        foreach (NetworkLayout.Parameter parameter in drawOrder)
        {
            double bound = 1 / Math.Sqrt(FanIn(layout, parameter.Name));
            Span<float> values = weights.AsSpan(parameter.Offset, parameter.Count);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            }
        }

        return weights;
    }

    // A recurrent module's parameters ("recurrent.lstm.weight_ih_l0") take the hidden size; a
    // linear module's ("dense.bias") the inputs of its weight.
    private static string Module(string name) => name[..name.LastIndexOf('.')];

    private static int FanIn(NetworkLayout layout, string name)
    {
        string module = Module(name);
        return name[(module.Length + 1)..].Contains("_l", StringComparison.Ordinal)
            ? layout[module + ".weight_hh_l0"].Shape[1]
            : layout[module + ".weight"].Shape[1];
    }
}
