namespace SunspotForecaster.Models.Packaging;

/// <summary>A model package is missing, corrupt, truncated, from another format, or does not match its manifest.</summary>
public sealed class ModelPackageException(string message, Exception? inner = null) : Exception(message, inner);
