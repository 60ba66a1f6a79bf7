namespace SunspotForecaster.Core.Packaging;

/// <summary>
/// The product's models: the sunspot forecaster and the course's car-colour classifier. Their names
/// key the registry, the champion aliases, the retrain messages and the API's routes.
/// </summary>
public static class ModelKinds
{
    public const string Sunspots = "sunspots";
    public const string Cars = "cars";

    public static IReadOnlyList<string> All { get; } = [Sunspots, Cars];

    public static bool IsKnown(string? name) => name is Sunspots or Cars;

    /// <summary>What to tell a person who named a model that does not exist.</summary>
    public static string Unknown(string? name) => $"There is no model '{name}'; the models are {Sunspots} and {Cars}.";
}
