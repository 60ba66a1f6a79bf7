using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Networks;
using SunspotForecaster.Core.Series;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Tests.Forecasting;

/// <summary>Single forecasts are stepped in managed code; they must agree with libtorch's batched forecasts.</summary>
[Collection(TorchCollection.Name)]
public class ManagedEnsembleTests
{
    private const int Window = 12;

    [Theory]
    [InlineData(RecurrentCell.Lstm, 1)]
    [InlineData(RecurrentCell.Lstm, 2)]
    [InlineData(RecurrentCell.Gru, 1)]
    [InlineData(RecurrentCell.Gru, 2)]
    [InlineData(RecurrentCell.Rnn, 2)]
    public void A_single_forecast_agrees_with_libtorch_for_every_cell(RecurrentCell cell, int layers)
    {
        var shape = new RegressorShape(cell, HiddenSize: 24, layers, Dropout: 0, DenseSize: 16);
        RecurrentRegressor[] members = [.. new[] { 3, 4 }.Select(seed =>
        {
            RecurrentRegressor network = shape.Create();
            SeededInitialisation.Apply(network, seed);
            return network;
        })];
        using var model = new ForecastModel(new RegressorEnsemble(members), shape, Window, new StandardScaler(80, 60), Intervals());
        var random = new Random(9);
        float[] history = [.. Enumerable.Range(0, Window).Select(_ => (float)(random.NextDouble() * 200))];
        float[] scaled = [.. history.Select(model.Scaler.Scale)];

        float[][] libtorch = model.PredictPaths(scaled, 1, 5);
        IReadOnlyList<ForecastDay> managed = model.Forecast(history, new DateOnly(2000, 1, 1), 5);

        // The same equations with sums in another order: float32 rounding, about 1e-6 of values of
        // order 100 per step, grows over 12 steps and 5 fed-back days to well under 0.01.
        for (int h = 0; h < 5; h++)
        {
            Assert.Equal(MathF.Max(0, libtorch[h][0]), managed[h].Value, 0.01f);
        }
    }

    [Fact]
    public void A_warm_forecast_allocates_less_than_a_kilobyte()
    {
        var shape = new RegressorShape(RecurrentCell.Lstm, HiddenSize: 32, Layers: 1, Dropout: 0, DenseSize: 32);
        RecurrentRegressor network = shape.Create();
        using var model = new ForecastModel(new RegressorEnsemble([network]), shape, 30, new StandardScaler(80, 60), Intervals());
        float[] history = [.. Enumerable.Range(0, 30).Select(i => 50f + i)];
        var lastDate = new DateOnly(2000, 1, 1);
        for (int i = 0; i < 100; i++)
        {
            model.Forecast(history, lastDate, 1);
        }

        const int Forecasts = 1000;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Forecasts; i++)
        {
            model.Forecast(history, lastDate, 1);
        }

        long perForecast = (GC.GetAllocatedBytesForCurrentThread() - before) / Forecasts;
        Assert.True(perForecast < 1024, $"{perForecast} bytes per forecast");
    }

    [Fact]
    public void Forecasts_on_many_threads_at_once_equal_the_same_forecasts_one_at_a_time()
    {
        var shape = new RegressorShape(RecurrentCell.Lstm, HiddenSize: 24, Layers: 2, Dropout: 0, DenseSize: 16);
        RecurrentRegressor[] members = [.. new[] { 5, 6 }.Select(seed =>
        {
            RecurrentRegressor network = shape.Create();
            SeededInitialisation.Apply(network, seed);
            return network;
        })];
        using var model = new ForecastModel(new RegressorEnsemble(members), shape, Window, new StandardScaler(80, 60), Intervals());
        var random = new Random(11);
        float[][] histories = [.. Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, Window).Select(_ => (float)(random.NextDouble() * 200)).ToArray())];
        var lastDate = new DateOnly(2000, 1, 1);
        float[][] serial = [.. histories.Select(h => model.Forecast(h, lastDate, 30).Select(d => d.Value).ToArray())];

        var concurrent = new float[histories.Length * 20][];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            concurrent[i] = [.. model.Forecast(histories[i % histories.Length], lastDate, 30).Select(d => d.Value)]);

        for (int i = 0; i < concurrent.Length; i++)
        {
            Assert.Equal(serial[i % histories.Length], concurrent[i]);
        }
    }

    private static PredictionIntervals Intervals() =>
        new(0.9, 10, [.. Enumerable.Repeat(-1f, ForecastModel.MaxLead)], [.. Enumerable.Repeat(1f, ForecastModel.MaxLead)]);
}
