using SunspotForecaster.Models.Networks;

namespace SunspotForecaster.Models.Engine;

/// <summary>
/// One thread's buffers for <see cref="ManagedRegressor.Forward"/> over up to <see cref="Rows"/>
/// windows: the inputs, and per layer and step what back-propagation reads (the states, the LSTM's
/// cells and their tanh, the activated gates), the dense layer's pre-activations and the outputs.
/// Allocated once; a forward pass allocates nothing.
/// </summary>
public sealed class RegressorWorkspace
{
    /// <summary>Buffers for <paramref name="rows"/> windows of <paramref name="window"/> days through networks of <paramref name="shape"/>.</summary>
    public RegressorWorkspace(RegressorShape shape, int window, int rows)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        Window = window;
        Rows = rows;
        Layers = Caches(shape.Cell, shape.HiddenSize, shape.Layers, window, rows);
        HiddenGates = new float[shape.Cell == RecurrentCell.Gru ? rows * NetworkLayout.GateCount(shape.Cell) * shape.HiddenSize : 0];
        Inputs = new float[rows * window];
        Dense = new float[rows * shape.DenseSize];
        Outputs = new float[rows];
    }

    /// <summary>The window length.</summary>
    public int Window { get; }

    /// <summary>The most windows one pass takes.</summary>
    public int Rows { get; }

    /// <summary>The windows (scaled), row after row.</summary>
    public float[] Inputs { get; }

    /// <summary>The forecasts (scaled) of the last pass, one per row.</summary>
    public float[] Outputs { get; }

    /// <summary>The dense layer's values before the ReLU, [rows × dense].</summary>
    public float[] Dense { get; }

    /// <summary>What each recurrent layer kept.</summary>
    public IReadOnlyList<LayerCache> Layers { get; }

    /// <summary>The GRU's recurrent gate part of the current step.</summary>
    internal float[] HiddenGates { get; }

    /// <summary>What <see cref="RecurrentStack.Forward"/> keeps for <paramref name="layers"/> layers over <paramref name="rows"/> sequences of <paramref name="steps"/> steps.</summary>
    internal static LayerCache[] Caches(RecurrentCell cell, int hidden, int layers, int steps, int rows)
    {
        int gates = NetworkLayout.GateCount(cell) * hidden;
        bool lstm = cell == RecurrentCell.Lstm;
        return [.. Enumerable.Range(0, layers).Select(_ => new LayerCache(
            States: new float[(steps + 1) * rows * hidden],
            Cells: new float[lstm ? (steps + 1) * rows * hidden : 0],
            TanhCells: new float[lstm ? steps * rows * hidden : 0],
            Gates: new float[steps * rows * gates]))];
    }

    /// <summary>
    /// One layer's steps, [step][row][unit]: States[t] is the hidden state before step t (States[0]
    /// = 0), Cells likewise; TanhCells[t] = tanh(Cells[t + 1]); Gates[t] the activated gates of step
    /// t (the LSTM's candidate as tanh).
    /// </summary>
    public sealed record LayerCache(float[] States, float[] Cells, float[] TanhCells, float[] Gates);
}
