using SunspotForecaster.Models.Engine;

namespace SunspotForecaster.Models.Classification;

/// <summary>
/// A trained car-colour classifier, answering in managed code (<see cref="ManagedClassifier"/>): no
/// libtorch and no lock, so threads classify at once. Dropout is the setting it was trained with.
/// </summary>
public sealed class CarColourModel(ManagedClassifier network, double dropout) : IDisposable
{
    /// <summary>The LSTM's hidden size.</summary>
    public int HiddenSize => Network.HiddenSize;

    /// <summary>The dropout it was trained with (none acts when it answers).</summary>
    public double Dropout { get; } = dropout;

    /// <summary>The network (read only).</summary>
    public ManagedClassifier Network { get; } = network;

    /// <summary>Whether <see cref="Dispose"/> ran: the serving cache retires a replaced champion so.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>The class of one sequence and its four probabilities.</summary>
    /// <exception cref="ArgumentException">The sequence is empty, too long, or holds a symbol other than 0..3.</exception>
    public CarColourPrediction Classify(IReadOnlyList<int> sequence)
    {
        CarColourSequences.Validate(sequence);
        return ClassifyMany([sequence.ToArray()])[0];
    }

    /// <summary>The classes of many sequences at once (validation, the enumeration of every sequence).</summary>
    public IReadOnlyList<CarColourPrediction> ClassifyMany(IReadOnlyList<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        int classes = CarColourSequences.Classes;
        float[] probabilities = Network.Probabilities(sequences);
        var results = new CarColourPrediction[sequences.Count];
        for (int i = 0; i < results.Length; i++)
        {
            float[] row = probabilities.AsSpan(i * classes, classes).ToArray();
            results[i] = new CarColourPrediction(Array.IndexOf(row, row.Max()), row);
        }

        return results;
    }

    /// <summary>Retires the model (nothing native to free); later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose() => IsDisposed = true;
}
