using System.Text.Json;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Cli.Tests;

/// <summary>The car-colour model trained once through the CLI.</summary>
public sealed class TrainedCarsFixture : IDisposable
{
    private readonly TemporaryDirectory _temp = new();

    public TrainedCarsFixture()
    {
        ModelDirectory = Path.Combine(_temp.Path, "cars");
        Training = CliRunner.RunAsync("train", "cars", "--enumerate-up-to", "8", "--out", ModelDirectory, "--json").GetAwaiter().GetResult();
    }

    public string ModelDirectory { get; }

    public CliResult Training { get; }

    public void Dispose() => _temp.Dispose();
}

[Collection(CliTorchCollection.Name)]
public class CarsCommandTests(TrainedCarsFixture fixture) : IClassFixture<TrainedCarsFixture>
{
    [Fact]
    public void Train_cars_reports_full_accuracy_on_the_single_car_enumeration()
    {
        Assert.Equal(0, fixture.Training.ExitCode);
        JsonElement json = fixture.Training.Json();
        Assert.Equal("cars", json.GetProperty("model").GetString());
        Assert.Equal(1.0, json.GetProperty("enumeration").GetProperty("accuracy").GetDouble());
        Assert.True(File.Exists(Path.Combine(fixture.ModelDirectory, "manifest.json")));
    }

    [Theory]
    [InlineData("0,0,1,1,0,0", 1)]
    [InlineData("2", 2)]
    [InlineData("0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3", 3)]
    [InlineData("0,0,0", 0)]
    public async Task Classify_answers_the_class_and_four_probabilities(string sequence, int expected)
    {
        CliResult result = await CliRunner.RunAsync("classify", "--model-dir", fixture.ModelDirectory, "--sequence", sequence, "--json");

        Assert.Equal(0, result.ExitCode);
        JsonElement json = result.Json();
        Assert.Equal(expected, json.GetProperty("class").GetInt32());
        Assert.Equal(4, json.GetProperty("probabilities").GetArrayLength());
    }

    [Fact]
    public void A_classify_process_never_loads_libtorch()
    {
        (CliResult result, string[] torch) = BuiltCli.RunWatchingTorch("classify", "--model-dir", fixture.ModelDirectory, "--sequence", "0,0,1,1,0,0", "--json");

        Assert.True(result.ExitCode == 0, result.Error[^Math.Min(result.Error.Length, 2000)..]);
        Assert.Equal(1, result.Json().GetProperty("class").GetInt32());
        Assert.Empty(torch);
    }

    [Theory]
    [InlineData("0,4,1", "Step 2 of the sequence is 4")]
    [InlineData("0,x,1", "step 2 is 'x'")]
    [InlineData("0,-1", "step 2 is '-1'")]
    public async Task A_bad_sequence_exits_2_naming_the_step(string sequence, string expected)
    {
        CliResult result = await CliRunner.RunAsync("classify", "--model-dir", fixture.ModelDirectory, "--sequence", sequence);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.DoesNotContain("(Parameter", result.Error);
    }
}
