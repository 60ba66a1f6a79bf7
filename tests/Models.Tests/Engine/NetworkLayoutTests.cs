using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Tests.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Tests.Engine;

/// <summary>
/// The engine's layout and weights file must be TorchSharp's: the same parameter names, shapes and
/// order as the modules list, and the same bytes as <c>Module.save</c>, readable by <c>Module.load</c>.
/// </summary>
[Collection(TorchCollection.Name)]
public class NetworkLayoutTests
{
    public static TheoryData<RecurrentCell, int> Shapes => new()
    {
        { RecurrentCell.Lstm, 1 },
        { RecurrentCell.Lstm, 3 },
        { RecurrentCell.Gru, 2 },
        { RecurrentCell.Rnn, 1 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_layout_lists_the_modules_parameters_in_their_order(RecurrentCell cell, int layers)
    {
        var shape = new RegressorShape(cell, 10, layers, 0, 6);
        using var ensemble = new RegressorEnsemble([shape.Create(), shape.Create()]);
        NetworkLayout layout = NetworkLayout.Ensemble(NetworkLayout.Regressor(shape), 2);

        var expected = ensemble.named_parameters().Select(p => (p.name, string.Join('x', p.parameter.shape))).ToList();
        var actual = layout.Parameters.Select(p => (p.Name, string.Join('x', p.Shape))).ToList();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_classifier_layout_lists_its_parameters_in_their_order()
    {
        using var classifier = new SequenceClassifier(4, 12, 0.1);
        NetworkLayout layout = NetworkLayout.Classifier(4, 12);

        Assert.Equal(
            classifier.named_parameters().Select(p => (p.name, string.Join('x', p.parameter.shape))),
            layout.Parameters.Select(p => (p.Name, string.Join('x', p.Shape))));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_weights_file_is_the_bytes_of_module_save_and_loads_both_ways(RecurrentCell cell, int layers)
    {
        var shape = new RegressorShape(cell, 10, layers, 0, 6);
        using var ensemble = new RegressorEnsemble([SeededNetworks.Module(shape, 1), SeededNetworks.Module(shape, 2)]);
        NetworkLayout layout = NetworkLayout.Ensemble(NetworkLayout.Regressor(shape), 2);
        float[] weights = [.. SeededNetworks.Weights(shape, 1), .. SeededNetworks.Weights(shape, 2)];

        byte[] saved;
        using (var stream = new MemoryStream())
        {
            ensemble.save(stream);
            saved = stream.ToArray();
        }

        byte[] written = TorchWeightsFile.Write(layout, weights);
        Assert.Equal(saved, written);
        Assert.Equal(weights, TorchWeightsFile.Read(saved, layout));

        using var loaded = new RegressorEnsemble([shape.Create(), shape.Create()]);
        loaded.load(new MemoryStream(written), strict: true);
        Assert.Equal(weights, TorchParameters.Read(loaded));
    }

    [Fact]
    public void A_file_for_another_network_is_refused_naming_what_differs()
    {
        var small = new RegressorShape(RecurrentCell.Lstm, 8, 1, 0, 4);
        var large = new RegressorShape(RecurrentCell.Lstm, 9, 1, 0, 4);
        byte[] file = TorchWeightsFile.Write(NetworkLayout.Regressor(small), SeededNetworks.Weights(small, 1));

        var shapeError = Assert.Throws<InvalidDataException>(() => TorchWeightsFile.Read(file, NetworkLayout.Regressor(large)));
        Assert.Contains("recurrent.lstm.weight_ih_l0", shapeError.Message);
        Assert.Contains("[32, 1]", shapeError.Message);

        var truncated = Assert.Throws<InvalidDataException>(() => TorchWeightsFile.Read(file.AsSpan(0, file.Length - 3), NetworkLayout.Regressor(small)));
        Assert.Contains("ends inside", truncated.Message);

        var gru = Assert.Throws<InvalidDataException>(() => TorchWeightsFile.Read(file, NetworkLayout.Regressor(small with { Cell = RecurrentCell.Gru })));
        Assert.Contains("recurrent.lstm", gru.Message);
    }

    [Fact]
    public void Seeded_weights_are_the_draws_of_filling_the_modules_in_torchsharps_order()
    {
        // named_modules() is breadth first: the linear layers draw before the recurrent one.
        var shape = new RegressorShape(RecurrentCell.Gru, 8, 2, 0, 6);
        using RecurrentRegressor regressor = shape.Create();
        FillInModuleOrder(regressor, 3);
        using var classifier = new SequenceClassifier(4, 16, 0.2);
        FillInModuleOrder(classifier, 3);

        Assert.Equal(TorchParameters.Read(regressor), SeededInitialisation.Weights(NetworkLayout.Regressor(shape), 3));
        Assert.Equal(TorchParameters.Read(classifier), SeededInitialisation.Weights(NetworkLayout.Classifier(4, 16), 3));
    }

    [Fact]
    public void Seeded_weights_are_the_seed_alone_and_follow_pytorchs_bounds()
    {
        var shape = new RegressorShape(RecurrentCell.Lstm, 16, 1, 0, 25);
        NetworkLayout layout = NetworkLayout.Regressor(shape);
        float[] a = SeededNetworks.Weights(shape, 7);

        Assert.Equal(a, SeededNetworks.Weights(shape, 7));
        Assert.NotEqual(a, SeededNetworks.Weights(shape, 8));
        Assert.All(a.AsSpan(0, layout["dense.weight"].Offset).ToArray(), w => Assert.InRange(Math.Abs(w), 0, 0.25f)); // 1/√16
        NetworkLayout.Parameter output = layout["output.weight"];
        Assert.All(a.AsSpan(output.Offset, output.Count).ToArray(), w => Assert.InRange(Math.Abs(w), 0, 0.2f)); // 1/√25
    }

    // How the weights were seeded before the engine drew them: module by module through TorchSharp.
    private static void FillInModuleOrder(nn.Module network, int seed)
    {
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
