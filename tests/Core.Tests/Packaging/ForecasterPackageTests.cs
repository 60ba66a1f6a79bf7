using System.Text.Json.Nodes;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Tests.Forecasting;
using SunspotForecaster.Tests;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Tests.Packaging;

[Collection(TorchCollection.Name)]
public class ForecasterPackageTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>, IDisposable
{
    private static readonly DateOnly LastDate = new(1999, 12, 31);

    private readonly TemporaryDirectory _temp = new();

    private string PackageDirectory => Path.Combine(_temp.Path, "model");

    public void Dispose() => _temp.Dispose();

    private ModelManifest Save() => ForecasterPackage.Save(fixture.Trained, PackageDirectory, dataSha256: new string('a', 64));

    [Fact]
    public void Save_then_load_gives_the_same_parameters_and_the_same_forecasts()
    {
        ModelManifest saved = Save();
        float[] history = fixture.Series.Values[^30..].ToArray();

        (ForecastModel loaded, ModelManifest manifest) = ForecasterPackage.Load(PackageDirectory);

        using (loaded)
        {
            Assert.Equal(saved.Weights, manifest.Weights);
            foreach ((string name, Tensor expected) in fixture.Trained.Model.Network.state_dict())
            {
                Assert.True(expected.eq(loaded.Network.state_dict()[name]).all().item<bool>(), name);
            }

            Assert.Equal(fixture.Trained.Model.Forecast(history, LastDate, 30), loaded.Forecast(history, LastDate, 30));
            Assert.Equal("gru", manifest.Forecaster!.Cell);
            Assert.Equal(8, manifest.Forecaster.Window);
            Assert.Equal(fixture.Trained.Test.Rmse, manifest.Forecaster.Metrics.Test.Rmse);
            Assert.Equal(new string('a', 64), manifest.DataSha256);
            Assert.Equal(new DateOnly(1998, 1, 1), manifest.Forecaster.Ranges.Test.Start);
        }
    }

    [Fact]
    public void A_corrupt_weights_file_is_refused()
    {
        Save();
        string weights = Path.Combine(PackageDirectory, "weights.bin");
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);

        var error = Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory));
        Assert.Contains("truncated or corrupt", error.Message);
    }

    [Fact]
    public void A_truncated_weights_file_is_refused()
    {
        Save();
        string weights = Path.Combine(PackageDirectory, "weights.bin");
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..100]);

        var error = Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory));
        Assert.Contains("truncated or corrupt", error.Message);
    }

    [Fact]
    public void Weights_that_do_not_fit_the_manifest_are_refused()
    {
        Save();
        EditManifest(m => m["forecaster"]!["hiddenSize"] = 16);

        var error = Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory));
        Assert.Contains("do not fit the network", error.Message);
    }

    [Fact]
    public void A_package_of_another_format_version_fails_clearly()
    {
        Save();
        EditManifest(m => m["formatVersion"] = 0);

        var error = Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory));
        Assert.Contains("package format 0", error.Message);
        Assert.Contains("reads format 2", error.Message);
    }

    [Fact]
    public void A_package_of_this_format_written_by_an_earlier_build_still_loads()
    {
        // What an earlier build of this format wrote: no fields this build does not know, other code version.
        Save();
        EditManifest(m => m["codeVersion"] = "0.0.1+earlier");

        (ForecastModel loaded, ModelManifest manifest) = ForecasterPackage.Load(PackageDirectory);

        using (loaded)
        {
            Assert.Equal("0.0.1+earlier", manifest.CodeVersion);
        }
    }

    [Fact]
    public void Missing_or_foreign_packages_are_refused_with_the_reason()
    {
        Assert.Contains("no manifest.json", Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(_temp.Path)).Message);

        Save();
        EditManifest(m => m["kind"] = "cars");
        Assert.Contains("not a 'sunspots' model", Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory)).Message);

        File.WriteAllText(Path.Combine(PackageDirectory, "manifest.json"), "{ not json");
        Assert.Contains("is not valid", Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory)).Message);
    }

    [Fact]
    public void Saving_replaces_a_package_but_never_a_folder_that_is_not_one()
    {
        Save();
        Save();
        Assert.Equal(["manifest.json", "weights.bin"], Directory.GetFiles(PackageDirectory).Select(Path.GetFileName).Order());
        Assert.Single(Directory.GetDirectories(_temp.Path));

        string notAPackage = Path.Combine(_temp.Path, "documents");
        Directory.CreateDirectory(notAPackage);
        File.WriteAllText(Path.Combine(notAPackage, "thesis.txt"), "precious");

        Assert.Throws<ArgumentException>(() => ForecasterPackage.Save(fixture.Trained, notAPackage, "x"));
        Assert.True(File.Exists(Path.Combine(notAPackage, "thesis.txt")));
        Assert.Equal(2, Directory.GetDirectories(_temp.Path).Length);
    }

    private void EditManifest(Action<JsonNode> edit)
    {
        string path = Path.Combine(PackageDirectory, "manifest.json");
        JsonNode manifest = JsonNode.Parse(File.ReadAllText(path))!;
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
    }
}
