using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Networks;

/// <summary>
/// Sets a network's starting weights from a seed of its own, with PyTorch's default distributions:
/// a recurrent layer's weights and biases uniform in ±1/√hidden, a linear layer's in ±1/√inputs.
/// libtorch's constructors draw from one process-wide generator, so two trainings in one process
/// (the Functions app trains the car model and the forecaster side by side) would take each
/// other's numbers; drawing from a private <see cref="Random"/> makes the weights depend on the
/// seed alone.
/// </summary>
public static class SeededInitialisation
{
    public static void Apply(nn.Module network, int seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        var random = new Random(seed);
        using var noGrad = no_grad();
        foreach ((string _, nn.Module module) in network.named_modules())
        {
            switch (module)
            {
                case LSTM or GRU or RNN:
                    long hidden = module.named_parameters().First(p => p.name.StartsWith("weight_hh", StringComparison.Ordinal)).parameter.size(1);
                    Fill(module.parameters(), 1 / Math.Sqrt(hidden), random);
                    break;
                case Linear:
                    long inputs = module.named_parameters().First(p => p.name == "weight").parameter.size(1);
                    Fill(module.parameters(), 1 / Math.Sqrt(inputs), random);
                    break;
            }
        }
    }

    private static void Fill(IEnumerable<Parameter> parameters, double bound, Random random)
    {
        foreach (Parameter parameter in parameters)
        {
            var values = new float[parameter.numel()];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 2 - 1) * bound);
            }

            using Tensor source = tensor(values, parameter.shape);
            parameter.copy_(source);
        }
    }
}
