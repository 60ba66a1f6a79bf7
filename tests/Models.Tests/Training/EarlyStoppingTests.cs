using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Models.Tests.Training;

public class EarlyStoppingTests
{
    [Fact]
    public void Stops_after_patience_epochs_without_an_improvement_larger_than_min_delta()
    {
        var stopping = new EarlyStopping(patience: 2, minDelta: 0.5);

        Assert.True(stopping.Observe(1, 10.0));
        Assert.True(stopping.Observe(2, 9.0));
        Assert.False(stopping.Observe(3, 8.6)); // better, but by less than min_delta
        Assert.False(stopping.ShouldStop);
        Assert.False(stopping.Observe(4, 8.7));
        Assert.True(stopping.ShouldStop);
        Assert.Equal(2, stopping.BestEpoch);
        Assert.Equal(9.0, stopping.BestLoss);
    }

    [Fact]
    public void An_improvement_resets_the_count()
    {
        var stopping = new EarlyStopping(patience: 2, minDelta: 0);

        stopping.Observe(1, 5);
        stopping.Observe(2, 6);
        stopping.Observe(3, 4);
        stopping.Observe(4, 4.5);

        Assert.False(stopping.ShouldStop);
        Assert.Equal(3, stopping.BestEpoch);
    }

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(3, -0.1)]
    public void Impossible_settings_are_refused(int patience, double minDelta) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStopping(patience, minDelta));
}
