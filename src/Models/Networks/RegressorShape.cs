namespace SunspotForecaster.Models.Networks;

/// <summary>The sizes that define a <see cref="RecurrentRegressor"/>; a saved model records them to rebuild it.</summary>
public sealed record RegressorShape(RecurrentCell Cell, int HiddenSize, int Layers, double Dropout, int DenseSize)
{
    public RecurrentRegressor Create() => new(Cell, HiddenSize, Layers, Dropout, DenseSize);
}
