using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Tests.Training;
using SunspotForecaster.Models.Training;
using static TorchSharp.torch;

namespace SunspotForecaster.Models.Tests.Networks;

[Collection(TorchCollection.Name)]
public class TorchThreadsTests
{
    [Fact]
    public void A_scope_sets_the_thread_count_and_puts_the_previous_one_back()
    {
        int before = get_num_threads();
        int other = before == 1 ? 2 : 1;

        using (TorchThreads.Use(other))
        {
            Assert.Equal(other, get_num_threads());
        }

        Assert.Equal(before, get_num_threads());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Training_runs_on_the_thread_count_of_its_options(int threads)
    {
        int before = get_num_threads();
        var seen = new List<int>();

        TrainedForecaster trained = ForecasterTrainer.Train(SyntheticData.Series(), SyntheticData.TinyOptions with { MaxEpochs = 2, Threads = threads }, new Synchronous(_ => seen.Add(get_num_threads())));

        using (trained.Model)
        {
            Assert.Equal([threads, threads], seen);
            Assert.Equal(before, get_num_threads());
        }
    }

    private sealed class Synchronous(Action<EpochProgress> report) : IProgress<EpochProgress>
    {
        public void Report(EpochProgress value) => report(value);
    }
}
