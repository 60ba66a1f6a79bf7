using System.Diagnostics.CodeAnalysis;

namespace SunspotForecaster.Models.Packaging;

/// <summary>
/// A kind of model the product trains, registers and serves, with what differs between kinds: its
/// name (the registry's key, the API's <c>model</c>, the retrain message's <c>model</c>) and whether
/// it learns from SILSO's file (so retrains when the file changes, forecasts, and has a live skill).
/// Names are parsed into a kind once, where they come in; the services compare kinds, not strings.
/// </summary>
public sealed class ModelKind
{
    private ModelKind(string name, bool learnsFromData, string description)
    {
        Name = name;
        LearnsFromData = learnsFromData;
        Description = description;
    }

    /// <summary>The sunspot forecaster.</summary>
    public static ModelKind Sunspots { get; } = new("sunspots", learnsFromData: true, "the sunspot forecaster");

    /// <summary>The course's car-colour classifier.</summary>
    public static ModelKind Cars { get; } = new("cars", learnsFromData: false, "the car-colour classifier");

    /// <summary>Every kind, in the order they are listed and retrained.</summary>
    public static IReadOnlyList<ModelKind> All { get; } = [Sunspots, Cars];

    /// <summary>The kind's name.</summary>
    public string Name { get; }

    /// <summary>Whether it is trained on SILSO's daily file: it retrains when the file changes, forecasts, and has a live skill.</summary>
    public bool LearnsFromData { get; }

    /// <summary>What it is, for messages.</summary>
    public string Description { get; }

    /// <summary>The kind called <paramref name="name"/>, when there is one.</summary>
    public static bool TryParse(string? name, [NotNullWhen(true)] out ModelKind? kind)
    {
        kind = All.FirstOrDefault(k => k.Name == name);
        return kind is not null;
    }

    /// <summary>Whether a kind is called <paramref name="name"/>.</summary>
    public static bool IsKnown(string? name) => TryParse(name, out _);

    /// <summary>The kind called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No kind has that name; the message lists the kinds.</exception>
    public static ModelKind Parse(string? name) => TryParse(name, out ModelKind? kind) ? kind : throw new KeyNotFoundException(Unknown(name));

    /// <summary>The message for a name that is no kind.</summary>
    public static string Unknown(string? name) => $"There is no model '{name}'; the models are {string.Join(" and ", All.Select(k => k.Name))}.";

    /// <inheritdoc/>
    public override string ToString() => Name;
}
