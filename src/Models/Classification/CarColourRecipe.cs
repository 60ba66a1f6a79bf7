namespace SunspotForecaster.Models.Classification;

/// <summary>
/// The recipe of the car-colour classifier: network, data and optimiser settings. The network follows the course — LSTM(128), dropout 0.2,
/// Dense(4), Adam — trained on the course's six sequences plus random single-car sequences of
/// lengths 1..<see cref="MaxLength"/>, so it learns the idea rather than six rows. Each mini-batch
/// holds sequences of one length, so nothing is padded and a batch costs what its length costs.
/// </summary>
public sealed record CarColourRecipe
{
    public int HiddenSize { get; init; } = 128;

    public double Dropout { get; init; } = 0.2;

    /// <summary>Longest generated training sequence.</summary>
    public int MaxLength { get; init; } = 64;

    /// <summary>Generated training sequences (a fixed, seeded set), in batches of <see cref="BatchSize"/>.</summary>
    public int ExamplesPerEpoch { get; init; } = 4096;

    public int ValidationExamples { get; init; } = 1024;

    public int BatchSize { get; init; } = 64;

    public double LearningRate { get; init; } = 0.005;

    /// <summary>Gradients are clipped to this norm: without it, an occasional step throws a converged LSTM far off.</summary>
    public double ClipGradientNorm { get; init; } = 1.0;

    public int MaxEpochs { get; init; } = 40;

    public int Patience { get; init; } = 3;

    /// <summary>In cross-entropy (nats): smaller gains than this no longer count once the classes are learnt.</summary>
    public double MinDelta { get; init; } = 1e-3;

    public int Seed { get; init; } = 42;

    /// <summary>SHA-256 of the settings, so the same car model is never trained twice.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        System.Text.Json.JsonSerializer.Serialize(this))));

    public void Validate()
    {
        if (HiddenSize is < 1 or > 1024 || Dropout is < 0 or >= 1 || MaxLength is < 1 or > CarColourSequences.MaxLength
            || ExamplesPerEpoch < 1 || ValidationExamples < 1 || BatchSize < 1 || !(LearningRate > 0) || !(ClipGradientNorm > 0) || MaxEpochs < 1 || Patience < 1 || MinDelta < 0)
        {
            throw new ArgumentException("A car-colour training setting is out of range.");
        }
    }
}
