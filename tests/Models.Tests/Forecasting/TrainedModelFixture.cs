using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Tests.Training;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Models.Tests.Forecasting;

/// <summary>One tiny trained model shared by the tests of a class.</summary>
public sealed class TrainedModelFixture : IDisposable
{
    public TrainedModelFixture() => Trained = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions);

    public SunspotSeries Series { get; } = SyntheticData.Series();

    public TrainedForecaster Trained { get; }

    public void Dispose() => Trained.Model.Dispose();
}
