using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Networks;

namespace SunspotForecaster.Models.Tests.Networks;

/// <summary>The same seeded starting weights as the engine's, and the libtorch module holding them.</summary>
internal static class SeededNetworks
{
    public static float[] Weights(RegressorShape shape, int seed) => SeededInitialisation.Weights(NetworkLayout.Regressor(shape), seed);

    public static ManagedRegressor Managed(RegressorShape shape, int seed) => new(shape, Weights(shape, seed));

    public static RecurrentRegressor Module(RegressorShape shape, int seed)
    {
        RecurrentRegressor module = shape.Create();
        TorchParameters.Write(module, Weights(shape, seed));
        return module;
    }
}
