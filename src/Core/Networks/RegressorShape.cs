namespace SunspotForecaster.Core.Networks;

/// <summary>The sizes that define a <see cref="RecurrentRegressor"/>; a saved model records them to rebuild it. <see cref="SkipWindow"/> 0: no linear skip term.</summary>
public sealed record RegressorShape(RecurrentCell Cell, int HiddenSize, int Layers, double Dropout, int DenseSize, int SkipWindow = 0)
{
    public RecurrentRegressor Create() => new(Cell, HiddenSize, Layers, Dropout, DenseSize, SkipWindow);
}
