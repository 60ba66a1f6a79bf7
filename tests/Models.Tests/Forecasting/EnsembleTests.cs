using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Tests.Training;
using SunspotForecaster.Models.Training;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Tests.Forecasting;

[Collection(TorchCollection.Name)]
public class EnsembleTests
{
    [Fact]
    public void An_ensemble_forecasts_the_mean_of_its_members()
    {
        TrainedForecaster trained = ForecasterTrainer.Train(SyntheticData.Series(), SyntheticData.TinyOptions with { MaxEpochs = 2, Members = 3 });

        using (trained.Model)
        {
            ForecastModel model = trained.Model;
            int count = trained.Data.Validation.Count;
            float[] ensemble = model.PredictNextDay(trained.Data.Validation);
            var mean = new float[count];
            var first = new float[count];
            using (no_grad())
            {
                using Tensor inputs = tensor(trained.Data.Validation.Inputs, [count, model.Window, 1]);
                for (int m = 0; m < model.Members; m++)
                {
                    // Each member through libtorch's forward pass: the engine's mean is the mean of what libtorch computes.
                    using RecurrentRegressor module = model.Shape.Create();
                    TorchParameters.Write(module, model.Networks[m].Weights);
                    using Tensor member = module.forward(inputs);
                    float[] values = member.data<float>().ToArray();
                    for (int i = 0; i < count; i++)
                    {
                        mean[i] += model.Scaler.Unscale(values[i]) / model.Members;
                        first[i] = m == 0 ? model.Scaler.Unscale(values[i]) : first[i];
                    }
                }
            }

            Assert.Equal(3, model.Members);
            Assert.Equal(3, trained.Run.Epochs / 2);

            // Float rounding only: the mean is taken in scaled units there and in sunspot numbers here
            // (values of order 100, float32 keeps about 7 digits).
            Assert.All(Enumerable.Range(0, count), i => Assert.Equal(mean[i], ensemble[i], 0.01f));
            Assert.True(Enumerable.Range(0, count).Any(i => Math.Abs(ensemble[i] - first[i]) > 0.1f), "the members should not all agree, or the test proves nothing");
        }
    }

    [Fact]
    public void Members_trained_at_once_get_the_weights_they_get_one_after_another()
    {
        ForecasterRecipe options = SyntheticData.TinyOptions with { MaxEpochs = 2, Members = 3 };

        byte[] sequential = Weights(ForecasterTrainer.Train(SyntheticData.Series(), options with { MemberConcurrency = 1 }));
        byte[] together = Weights(ForecasterTrainer.Train(SyntheticData.Series(), options with { MemberConcurrency = 3 }));

        Assert.True(sequential.AsSpan().SequenceEqual(together), "Training members at once changed their weights.");
        Assert.Equal(options.Fingerprint(), (options with { MemberConcurrency = 3 }).Fingerprint());
    }

    [Fact]
    public void The_first_member_is_the_seed_and_neighbouring_seeds_share_no_member()
    {
        int[] one = [.. ForecasterTrainer.MemberSeeds(1, 5)];
        int[] two = [.. ForecasterTrainer.MemberSeeds(2, 5)];

        Assert.Equal(1, one[0]);
        Assert.Equal(5, one.Distinct().Count());
        Assert.Empty(one.Intersect(two));
    }

    private static byte[] Weights(TrainedForecaster trained)
    {
        using (trained.Model)
        {
            return [.. trained.Model.Networks.SelectMany(n => n.Weights).SelectMany(BitConverter.GetBytes)];
        }
    }
}
