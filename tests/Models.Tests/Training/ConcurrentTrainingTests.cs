using SunspotForecaster.Models.Classification;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Models.Tests.Training;

/// <summary>
/// The Functions app can train the car model and the forecaster at once (two queue messages) while
/// it serves. Each training must give the weights its data, settings and seed give when it runs alone.
/// </summary>
[Collection(TorchCollection.Name)]
public class ConcurrentTrainingTests
{
    private static readonly SunspotSeries Series = SyntheticData.Series();

    private static readonly CarColourRecipe Cars = new() { HiddenSize = 16, ExamplesPerEpoch = 512, ValidationExamples = 64, MaxLength = 12, MaxEpochs = 3, Patience = 10 };

    [Fact]
    public async Task Two_trainings_at_once_give_the_weights_each_gives_alone()
    {
        byte[] forecasterAlone = TrainForecaster(started: null);
        byte[] carsAlone = TrainCars(onEpoch: null);

        // The forecaster starts (and draws its starting weights) while the car model is mid-training,
        // drawing dropout masks.
        var carsMidway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task<byte[]> cars = Task.Run(() => TrainCars(onEpoch: () => carsMidway.TrySetResult()));
        await carsMidway.Task;
        Task<byte[]> forecaster = Task.Run(() => TrainForecaster(started: null));
        byte[][] together = await Task.WhenAll(forecaster, cars);

        Assert.True(forecasterAlone.AsSpan().SequenceEqual(together[0]), "The forecaster's weights changed because another training ran beside it.");
        Assert.True(carsAlone.AsSpan().SequenceEqual(together[1]), "The car model's weights changed because another training ran beside it.");
    }

    private static byte[] TrainForecaster(Action? started)
    {
        started?.Invoke();
        TrainedForecaster trained = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions);
        using (trained.Model)
        {
            return [.. trained.Model.Networks.SelectMany(n => n.Weights).SelectMany(BitConverter.GetBytes)];
        }
    }

    private static byte[] TrainCars(Action? onEpoch)
    {
        TrainedCarColourModel trained = CarColourTrainer.Train(Cars, enumerationMaxLength: 4, progress: new SynchronousProgress(_ => onEpoch?.Invoke()));
        using (trained.Model)
        {
            return [.. trained.Model.Network.Weights.SelectMany(BitConverter.GetBytes)];
        }
    }

    private sealed class SynchronousProgress(Action<EpochProgress> report) : IProgress<EpochProgress>
    {
        public void Report(EpochProgress value) => report(value);
    }
}
