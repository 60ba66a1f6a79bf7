using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Models.Tests.Networks;
using SunspotForecaster.Models.Tests.Forecasting;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Tests.Engine;

/// <summary>
/// Every forecast runs the engine's one forward pass; it must agree with libtorch's forward pass
/// of the same weights for every cell, give one window alone the bits it gets in a batch, and
/// share a model between threads.
/// </summary>
[Collection(TorchCollection.Name)]
public class ManagedRegressorTests
{
    private const int Window = 12;

    [Theory]
    [InlineData(RecurrentCell.Lstm, 1)]
    [InlineData(RecurrentCell.Lstm, 2)]
    [InlineData(RecurrentCell.Gru, 1)]
    [InlineData(RecurrentCell.Gru, 2)]
    [InlineData(RecurrentCell.Rnn, 2)]
    public void Forecasts_agree_with_libtorchs_forward_pass_for_every_cell(RecurrentCell cell, int layers)
    {
        var shape = new RegressorShape(cell, HiddenSize: 24, layers, Dropout: 0, DenseSize: 16);
        int[] seeds = [3, 4];
        ForecastModel model = Model(shape, seeds);
        using var ensemble = new RegressorEnsemble([.. seeds.Select(seed => SeededNetworks.Module(shape, seed))]);
        var random = new Random(9);
        const int Count = 70; // a batch of 64 and a short one
        float[] scaled = [.. Enumerable.Range(0, Count * Window).Select(_ => (float)(random.NextDouble() * 3 - 1))];

        float[][] managed = model.PredictPaths(scaled, Count, 3);
        float[] libtorch = LibtorchPath(ensemble, scaled, Count, 3, model.Scaler);

        // The same equations with sums in another order: float32 rounding, about 1e-6 of values of
        // order 100 per step, grows over 12 steps and 3 fed-back days to well under 0.01.
        for (int h = 0; h < 3; h++)
        {
            for (int i = 0; i < Count; i++)
            {
                Assert.Equal(libtorch[h * Count + i], managed[h][i], 0.01f);
            }
        }
    }

    [Theory]
    [InlineData(RecurrentCell.Lstm, 1)]
    [InlineData(RecurrentCell.Gru, 2)]
    [InlineData(RecurrentCell.Rnn, 1)]
    public void A_window_alone_gets_the_bits_it_gets_in_a_batch(RecurrentCell cell, int layers)
    {
        var shape = new RegressorShape(cell, HiddenSize: 20, layers, Dropout: 0, DenseSize: 12);
        ForecastModel model = Model(shape, [7, 8]);
        var random = new Random(3);
        const int Count = 9;
        float[][] histories = [.. Enumerable.Range(0, Count).Select(_ => Enumerable.Range(0, Window).Select(_ => (float)(random.NextDouble() * 200)).ToArray())];
        float[] scaled = [.. histories.SelectMany(h => h.Select(model.Scaler.Scale))];

        float[][] batch = model.PredictPaths(scaled, Count, 5);
        for (int i = 0; i < Count; i++)
        {
            IReadOnlyList<ForecastDay> alone = model.Forecast(histories[i], new DateOnly(2000, 1, 1), 5);
            for (int h = 0; h < 5; h++)
            {
                Assert.Equal(MathF.Max(0, batch[h][i]), alone[h].Value);
            }
        }
    }

    [Fact]
    public void A_warm_forecast_allocates_less_than_a_kilobyte()
    {
        var shape = new RegressorShape(RecurrentCell.Lstm, HiddenSize: 32, Layers: 1, Dropout: 0, DenseSize: 32);
        var model = new ForecastModel([SeededNetworks.Managed(shape, 1)], 30, new StandardScaler(80, 60), Intervals());
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
        ForecastModel model = Model(shape, [5, 6]);
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

    private static ForecastModel Model(RegressorShape shape, int[] seeds) =>
        new([.. seeds.Select(seed => SeededNetworks.Managed(shape, seed))], Window, new StandardScaler(80, 60), Intervals());

    // libtorch's recursive forecasts, [h * count + i], in sunspot numbers.
    private static float[] LibtorchPath(RegressorEnsemble ensemble, float[] scaled, int count, int horizon, StandardScaler scaler)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor inputs = tensor(scaled, [count, Window, 1]);
        var result = new List<float>();
        for (int h = 0; h < horizon; h++)
        {
            Tensor next = ensemble.forward(inputs);
            result.AddRange(next.data<float>().ToArray().Select(scaler.Unscale));
            inputs = cat([inputs[.., 1.., ..], next.unsqueeze(2)], 1);
        }

        return [.. result];
    }

    private static PredictionIntervals Intervals() => PredictionIntervalsTests.Fixed();
}
