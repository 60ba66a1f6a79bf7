using SunspotForecaster.Models.Classification;

namespace SunspotForecaster.Core.Serving;

/// <summary>The car-colour answers of the API: the champion classifier's class and probabilities for a sequence.</summary>
public sealed class ClassificationService(ChampionCache champions)
{
    /// <exception cref="ArgumentException">The sequence is empty, too long, or holds a value outside 0..3.</exception>
    /// <exception cref="NotReadyException">No car-colour model can answer yet.</exception>
    public async Task<CarColourAnswer> ClassifyAsync(IReadOnlyList<int> sequence, CancellationToken cancellationToken)
    {
        CarColourSequences.Validate(sequence);
        using ChampionHandle<CarColourModel> champion = await champions.AcquireClassifierAsync(cancellationToken).ConfigureAwait(false);
        if (champion.Served is not { } served)
        {
            throw new NotReadyException(champion.Problem ?? "No car-colour model has been trained yet.");
        }

        CarColourPrediction prediction = served.Model.Classify(sequence);
        return new CarColourAnswer(prediction.Class, prediction.Probabilities, new ModelReference(served.Name, served.Version));
    }
}
