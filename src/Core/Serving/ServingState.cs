namespace SunspotForecaster.Core.Serving;

/// <summary>What a serving instance answers with for a model: the version it serves (none: it cannot answer), and the problem with the promoted champion, if any.</summary>
public sealed record ServingState(int? ServedVersion, string? Problem);
