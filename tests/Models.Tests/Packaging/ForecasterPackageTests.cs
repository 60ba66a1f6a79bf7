using System.Text.Json.Nodes;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Models.Regression;
using SunspotForecaster.Models.Tests.Forecasting;
using SunspotForecaster.Models.Tests.Training;
using SunspotForecaster.Models.Training;
using SunspotForecaster.Testing;

namespace SunspotForecaster.Models.Tests.Packaging;

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
        float[] history = fixture.Series.Values[^200..].ToArray();

        (ForecastModel loaded, ModelManifest manifest) = ForecasterPackage.Load(PackageDirectory);

        using (loaded)
        {
            Assert.Equal(saved.Weights, manifest.Weights);
            for (int m = 0; m < loaded.Members; m++)
            {
                Assert.Equal(fixture.Trained.Model.Networks[m].Weights, loaded.Networks[m].Weights);
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
        Assert.Contains($"reads format {ModelPackage.FormatVersion}", error.Message);
        Assert.Contains("Retrain", error.Message);

        EditManifest(m => m["formatVersion"] = ModelPackage.FormatVersion + 1);
        Assert.Contains($"package format {ModelPackage.FormatVersion + 1}", Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory)).Message);
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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void A_package_of_a_format_before_quantiles_is_refused_with_a_message_naming_the_fix(int format)
    {
        // Formats 1 to 4 held a 90% interval per lead and no quantiles: nothing to serve a distribution from.
        Save();
        EditManifest(m =>
        {
            m["formatVersion"] = format;
            m["forecaster"]!["intervals"] = JsonNode.Parse("""{"level":0.9,"scaleOffset":10,"lower":[-1],"upper":[1]}""");
        });

        string message = Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory)).Message;

        Assert.Contains($"package format {format}", message);
        Assert.Contains($"reads format {ModelPackage.FormatVersion}", message);
        Assert.Contains("Retrain the model", message);
    }

    [Fact]
    public void A_package_of_several_members_loads_back_to_the_same_forecasts()
    {
        TrainedForecaster trained = ForecasterTrainer.Train(fixture.Series, SyntheticData.TinyOptions with { MaxEpochs = 2, Members = 3 });
        using (trained.Model)
        {
            ForecasterPackage.Save(trained, PackageDirectory, dataSha256: new string('b', 64));
            float[] history = fixture.Series.Values[^200..].ToArray();

            (ForecastModel loaded, ModelManifest manifest) = ForecasterPackage.Load(PackageDirectory);

            using (loaded)
            {
                Assert.Equal(ModelPackage.FormatVersion, manifest.FormatVersion);
                Assert.Equal(3, manifest.Forecaster!.Members);
                Assert.Equal(3, loaded.Members);
                Assert.Equal(trained.Model.LeadMethods, loaded.LeadMethods);
                Assert.Equal(trained.Model.Forecast(history, LastDate, 30), loaded.Forecast(history, LastDate, 30));
                Assert.Equal(
                    trained.Model.ForecastLeads(history, LastDate, 31, ForecastModel.MaxLead),
                    loaded.ForecastLeads(history, LastDate, 31, ForecastModel.MaxLead));
                Assert.Equal(trained.Model.PredictNextDay(trained.Data.Test), loaded.PredictNextDay(trained.Data.Test));
            }
        }
    }

    [Theory]
    [InlineData("scaler", null, "lacks forecaster.scaler")]
    [InlineData("ranges", null, "lacks forecaster.ranges")]
    [InlineData("window", "0", "forecaster.window 0")]
    [InlineData("dropout", "1.5", "forecaster.dropout 1.5")]
    [InlineData("cell", "\"transformer\"", "unknown cell 'transformer' in forecaster.cell")]
    public void A_manifest_with_a_missing_section_or_an_impossible_field_is_refused_naming_it(string field, string? json, string named)
    {
        Save();
        EditManifest(m =>
        {
            JsonObject forecaster = m["forecaster"]!.AsObject();
            if (json is null)
            {
                forecaster.Remove(field);
            }
            else
            {
                forecaster[field] = JsonNode.Parse(json);
            }
        });

        string message = Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory)).Message;

        Assert.Contains(named, message);
        Assert.Contains("retrain the model", message);
    }

    [Theory]
    [InlineData("intervals", "NaN at lead 1", "forecaster.intervals.quantiles at lead 1")]
    [InlineData("intervals", "decreasing at lead 7", "forecaster.intervals.quantiles at lead 7")]
    [InlineData("persistenceIntervals", "missing", "lacks forecaster.persistenceIntervals")]
    [InlineData("rotationMeanIntervals", "other levels", "forecaster.rotationMeanIntervals.levels")]
    public void Quantiles_that_cannot_serve_are_refused_naming_the_table(string table, string change, string named)
    {
        Save();
        EditManifest(m =>
        {
            JsonObject forecaster = m["forecaster"]!.AsObject();
            switch (change)
            {
                case "missing":
                    forecaster.Remove(table);
                    break;
                case "other levels":
                    forecaster[table]!["levels"]!.AsArray()[0] = 0.01;
                    break;
                case "NaN at lead 1":
                    forecaster[table]!["quantiles"]![0]![2] = "NaN";
                    break;
                default:
                    JsonArray lead = forecaster[table]!["quantiles"]![6]!.AsArray();
                    lead[1] = lead[5]!.GetValue<float>() + 1;
                    break;
            }
        });

        string message = Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory)).Message;

        Assert.Contains(named, message);
        Assert.Contains("retrain the model", message);
    }

    [Fact]
    public void Every_table_of_quantiles_round_trips()
    {
        Save();
        ForecastModel trained = fixture.Trained.Model;

        (ForecastModel loaded, _) = ForecasterPackage.Load(PackageDirectory);

        using (loaded)
        {
            foreach ((PredictionIntervals expected, PredictionIntervals actual) in new[]
            {
                (trained.Intervals!, loaded.Intervals!), (trained.Baselines!.Persistence, loaded.Baselines!.Persistence), (trained.Baselines.RotationMean, loaded.Baselines.RotationMean),
            })
            {
                Assert.Equal(expected.ScaleOffset, actual.ScaleOffset);
                Assert.Equal(expected.Quantiles, actual.Quantiles);
            }
        }
    }

    [Fact]
    public void The_linear_model_round_trips_bit_for_bit()
    {
        ModelManifest saved = Save();
        ForecastModel trained = fixture.Trained.Model;
        float[] history = fixture.Series.Values[^200..].ToArray();

        (ForecastModel loaded, ModelManifest manifest) = ForecasterPackage.Load(PackageDirectory);

        using (loaded)
        {
            Assert.Equal(ModelPackage.FormatVersion, manifest.FormatVersion);
            Assert.NotNull(trained.Linear);
            Assert.NotNull(loaded.Linear);
            Assert.Equal(trained.Linear.MaxLead, loaded.Linear.MaxLead);
            for (int i = 0; i < trained.Linear.MaxLead; i++)
            {
                LinearLead expected = trained.Linear.Leads[i];
                LinearLead actual = loaded.Linear.Leads[i];
                Assert.Equal(expected with { Coefficients = [] }, actual with { Coefficients = [] });
                Assert.Equal(expected.Coefficients.Select(BitConverter.DoubleToInt64Bits), actual.Coefficients.Select(BitConverter.DoubleToInt64Bits));
                Assert.Equal(BitConverter.DoubleToInt64Bits(expected.Intercept), BitConverter.DoubleToInt64Bits(actual.Intercept));
                Assert.Equal(trained.Linear.Predict(history, i + 1), loaded.Linear.Predict(history, i + 1));
            }

            Assert.Equal(trained.LeadMethods, loaded.LeadMethods);
            Assert.Equal(trained.HistoryDays, loaded.HistoryDays);
            Assert.Equal(trained.ForecastLeads(history, LastDate, 1, ForecastModel.MaxLead), loaded.ForecastLeads(history, LastDate, 1, ForecastModel.MaxLead));
            Assert.Equal(LinearForecaster.DefaultLags, manifest.Forecaster!.Linear!.LagGrid);
        }
    }

    public static TheoryData<string, string> BadLinearContents => new()
    {
        { "no section", "serves lead 1 by the linear model but has no 'linear' section" },
        { "too few leads", "has 59 leads, not 60" },
        { "no coefficients", "lead 4 has 0 coefficients" },
        { "lead mislabelled", "lead 2 is labelled lead 7" },
        { "more lags than coefficients", "lead 3 has" },
        { "null lead", "lead 5 is missing" },
    };

    [Theory]
    [MemberData(nameof(BadLinearContents))]
    public void Bad_linear_contents_are_refused_with_a_message_naming_the_problem(string change, string message)
    {
        Save();
        EditManifest(m =>
        {
            JsonObject forecaster = m["forecaster"]!.AsObject();
            JsonArray leads = forecaster["linear"]!["leads"]!.AsArray();
            switch (change)
            {
                case "no section":
                    forecaster.Remove("linear");
                    forecaster["leadMethods"]![0] = "linear";
                    break;
                case "too few leads":
                    leads.RemoveAt(59);
                    break;
                case "no coefficients":
                    leads[3]!["coefficients"] = new JsonArray();
                    break;
                case "lead mislabelled":
                    leads[1]!["lead"] = 7;
                    break;
                case "more lags than coefficients":
                    leads[2]!["lags"] = 1000;
                    break;
                default:
                    leads[4] = null;
                    break;
            }
        });

        var error = Assert.Throws<ModelPackageException>(() => ForecasterPackage.Load(PackageDirectory));
        Assert.Contains(message, error.Message);
        Assert.Contains("retrain", error.Message);
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
