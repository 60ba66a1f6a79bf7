using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Models.Tests.Training;

[Collection(TorchCollection.Name)]
public class ForecasterTrainerTests
{
    private static readonly SunspotSeries Series = SyntheticData.Series();

    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.Rnn)]
    public void Each_cell_trains_and_the_loss_goes_down(RecurrentCell cell)
    {
        var epochs = new List<EpochProgress>();

        TrainedForecaster trained = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions with { Cell = cell }, new Collect(epochs));

        using (trained.Model)
        {
            Assert.Equal(4, epochs.Count);
            Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss, $"train loss {epochs[0].TrainLoss} → {epochs[^1].TrainLoss}");
            Assert.InRange(trained.Test.Rmse, 0.1, 100);
            Assert.InRange(trained.Test.IntervalCoverage, 0.5, 1.0);
            Assert.Equal(1 - trained.Test.Rmse / trained.Test.PersistenceRmse, trained.Test.Skill, 9);
        }
    }

    [Fact]
    public void Validation_comes_from_the_training_years_never_the_test_range()
    {
        TrainedForecaster trained = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions with { MaxEpochs = 1 });

        using (trained.Model)
        {
            Assert.True(trained.Data.Split.Validation.End < trained.Data.Split.Test.Start);
            Assert.True(trained.Data.Validation.TargetDate(trained.Data.Validation.Count - 1) <= new DateOnly(1997, 12, 31));
            Assert.True(trained.Data.Test.TargetDate(0) > new DateOnly(1998, 1, 1));
        }
    }

    [Fact]
    public void The_same_data_settings_and_seed_give_the_same_metrics()
    {
        TrainedForecaster first = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions);
        TrainedForecaster second = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions);
        TrainedForecaster otherSeed = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions with { Seed = 4 });

        using (first.Model)
        using (second.Model)
        using (otherSeed.Model)
        {
            Assert.Equal(first.Test, second.Test);
            Assert.Equal(first.ValidationRmse, second.ValidationRmse);
            Assert.NotEqual(first.Test.Rmse, otherSeed.Test.Rmse);
        }
    }

    [Fact]
    public void The_best_epochs_weights_are_kept()
    {
        var epochs = new List<EpochProgress>();

        TrainedForecaster trained = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions with { MaxEpochs = 6, LearningRate = 0.05 }, new Collect(epochs));

        using (trained.Model)
        {
            EpochProgress best = epochs.MinBy(e => e.ValidationLoss)!;
            Assert.Equal(best.Epoch, trained.Run.BestEpoch);
            Assert.Equal(best.ValidationMetric, trained.ValidationRmse, 4);
        }
    }

    [Fact]
    public void Early_stopping_ends_training_when_validation_stops_improving()
    {
        // A huge min-delta makes every epoch after the first "no improvement".
        TrainedForecaster trained = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions with { MaxEpochs = 50, Patience = 2, MinDelta = 1e9 });

        using (trained.Model)
        {
            Assert.Equal(StopReason.EarlyStopping, trained.Run.StopReason);
            Assert.True(trained.Run.StoppedEarly);
            Assert.Equal(3, trained.Run.Epochs);
            Assert.Equal(1, trained.Run.BestEpoch);
        }
    }

    [Fact]
    public void A_spent_budget_stops_training_after_the_current_epoch()
    {
        TrainedForecaster trained = ForecasterTrainer.Train(Series, SyntheticData.TinyOptions with { MaxEpochs = 50, Budget = TimeSpan.FromTicks(1) });

        using (trained.Model)
        {
            Assert.Equal(StopReason.Budget, trained.Run.StopReason);
            Assert.Equal(1, trained.Run.Epochs);
        }
    }

    [Fact]
    public void Cancellation_stops_training_with_an_operation_canceled_exception()
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new Collect([], _ => cancellation.Cancel());

        Assert.ThrowsAny<OperationCanceledException>(() =>
            ForecasterTrainer.Train(Series, SyntheticData.TinyOptions with { MaxEpochs = 50 }, progress, cancellation.Token));
    }

    [Theory]
    [InlineData("window")]
    [InlineData("learning rate")]
    [InlineData("cell")]
    public void Bad_settings_are_refused_naming_the_setting(string setting)
    {
        ForecasterRecipe options = setting switch
        {
            "window" => SyntheticData.TinyOptions with { Window = 0 },
            "learning rate" => SyntheticData.TinyOptions with { LearningRate = double.NaN },
            _ => SyntheticData.TinyOptions with { Cell = (RecurrentCell)9 },
        };

        ArgumentException error = Assert.Throws<ArgumentException>(() => ForecasterTrainer.Train(Series, options));

        Assert.Contains(setting, error.Message);
    }

    [Fact]
    public void A_window_longer_than_a_range_is_refused()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => ForecasterTrainer.Train(Series, SyntheticData.TinyOptions with { Window = 800 }));

        Assert.Contains("800 days", error.Message);
    }

    private sealed class Collect(List<EpochProgress> into, Action<EpochProgress>? also = null) : IProgress<EpochProgress>
    {
        public void Report(EpochProgress value)
        {
            into.Add(value);
            also?.Invoke(value);
        }
    }
}
