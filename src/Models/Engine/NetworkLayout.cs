using SunspotForecaster.Models.Networks;

namespace SunspotForecaster.Models.Engine;

/// <summary>
/// Where each parameter of a network sits in its flat weights: the names, shapes and order in
/// which TorchSharp lists the module's parameters (<c>named_parameters()</c>), so that one array of
/// floats is the network for both engines and the names key the weights file
/// (<see cref="TorchWeightsFile"/>). Built from the network's shape alone, without libtorch.
/// </summary>
public sealed class NetworkLayout
{
    private readonly Dictionary<string, Parameter> _byName;

    private NetworkLayout(IEnumerable<(string Name, int[] Shape)> parameters)
    {
        var list = new List<Parameter>();
        int offset = 0;
        foreach ((string name, int[] shape) in parameters)
        {
            var parameter = new Parameter(name, shape, offset);
            list.Add(parameter);
            offset += parameter.Count;
        }

        Parameters = list;
        Count = offset;
        _byName = list.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>One parameter: its name, its shape (row-major) and where its values start.</summary>
    public sealed record Parameter(string Name, int[] Shape, int Offset)
    {
        /// <summary>How many floats it holds.</summary>
        public int Count { get; } = Shape.Aggregate(1, (a, b) => a * b);
    }

    /// <summary>The parameters in TorchSharp's order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>How many floats the flat weights hold.</summary>
    public int Count { get; }

    /// <summary>The parameter called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The network has no such parameter.</exception>
    public Parameter this[string name] => _byName[name];

    /// <summary>The layout of a <see cref="RecurrentRegressor"/>: the recurrent layers, then the dense layer and the output.</summary>
    public static NetworkLayout Regressor(RegressorShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return new NetworkLayout([
            .. Recurrent(shape.Cell, 1, shape.HiddenSize, shape.Layers),
            ("dense.weight", [shape.DenseSize, shape.HiddenSize]),
            ("dense.bias", [shape.DenseSize]),
            ("output.weight", [1, shape.DenseSize]),
            ("output.bias", [1]),
        ]);
    }

    /// <summary>The layout of a <see cref="SequenceClassifier"/>: one LSTM layer over one-hot symbols, then the output.</summary>
    public static NetworkLayout Classifier(int classes, int hiddenSize) => new([
        .. Recurrent(RecurrentCell.Lstm, classes, hiddenSize, 1),
        ("output.weight", [classes, hiddenSize]),
        ("output.bias", [classes]),
    ]);

    /// <summary>An ensemble of <paramref name="count"/> such networks (<see cref="RegressorEnsemble"/>): each member's parameters under <c>members.N.</c>, one member after another.</summary>
    public static NetworkLayout Ensemble(NetworkLayout member, int count)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new(Enumerable.Range(0, count).SelectMany(m => member.Parameters.Select(p => ($"members.{m}.{p.Name}", p.Shape))));
    }

    /// <summary>The rows of a recurrent layer's weights per hidden unit: LSTM i,f,g,o; GRU r,z,n; Elman RNN one.</summary>
    public static int GateCount(RecurrentCell cell) => cell switch
    {
        RecurrentCell.Lstm => 4,
        RecurrentCell.Gru => 3,
        RecurrentCell.Rnn => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown recurrent cell."),
    };

    // The recurrent module is a field named after its cell (RecurrentLayer's lstm, gru or rnn).
    private static IEnumerable<(string, int[])> Recurrent(RecurrentCell cell, int inputs, int hidden, int layers)
    {
        string module = "recurrent." + cell.ToString().ToLowerInvariant();
        int rows = GateCount(cell) * hidden;
        for (int l = 0; l < layers; l++)
        {
            yield return ($"{module}.weight_ih_l{l}", [rows, l == 0 ? inputs : hidden]);
            yield return ($"{module}.weight_hh_l{l}", [rows, hidden]);
            yield return ($"{module}.bias_ih_l{l}", [rows]);
            yield return ($"{module}.bias_hh_l{l}", [rows]);
        }
    }
}
