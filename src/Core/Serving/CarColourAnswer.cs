namespace SunspotForecaster.Core.Serving;

/// <summary>The answer of <c>POST /api/classify</c>: the class 0..3, the four probabilities, and the version that answered.</summary>
public sealed record CarColourAnswer(int Class, float[] Probabilities, ModelReference Model);
