namespace SunspotForecaster.Core.Serving;

/// <summary>Why an answer cannot be given at all yet: no data or no model (the API answers 503 with Retry-After).</summary>
public sealed class NotReadyException(string message) : Exception(message);
