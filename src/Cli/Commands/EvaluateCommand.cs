using System.CommandLine;
using System.Globalization;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Evaluation;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Series;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots evaluate</c>: score a saved model on a test range, beside persistence.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        Option<DirectoryInfo> modelDirectory = CommonOptions.SunspotModelDirectory();
        Option<string> data = CommonOptions.Data();
        Option<DateOnly?> testStart = CommonOptions.Date("--test-start", "First test day (default: the model's own test start).");
        Option<DateOnly?> testEnd = CommonOptions.Date("--test-end", "Last test day (default: the last day of the data).");
        var command = new Command("evaluate", "Score a saved model's next-day forecasts on a test range, beside persistence.") { modelDirectory, data, testStart, testEnd };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            (ForecastModel model, ModelManifest manifest) = ForecasterPackage.Load(parsed.GetRequiredValue(modelDirectory).FullName);
            using (model)
            {
                SidcFile file = await SidcSource.LoadAsync(parsed.GetRequiredValue(data), cancellationToken: cancellationToken);
                DateOnly start = parsed.GetValue(testStart) ?? manifest.Forecaster!.Ranges.Test.Start;
                DateOnly end = parsed.GetValue(testEnd) ?? file.Series.LastDate;
                if (end < start || !file.Series.Contains(start) || !file.Series.Contains(end))
                {
                    throw new ArgumentException($"The test range {start:yyyy-MM-dd}..{end:yyyy-MM-dd} must lie within the data ({file.Series.FirstDate:yyyy-MM-dd}..{file.Series.LastDate:yyyy-MM-dd}).");
                }

                WindowSet windows = WindowSet.Build(file.Series, new DateRange(start, end), model.Window, model.Scaler);
                if (windows.Count == 0)
                {
                    throw new ArgumentException($"The test range {start:yyyy-MM-dd}..{end:yyyy-MM-dd} holds no complete {model.Window}-day window.");
                }

                TestMetrics metrics = ForecastEvaluator.Evaluate(model, windows);
                var result = new EvaluateResult(start, end, metrics.Windows, metrics.Rmse, metrics.Mae, metrics.PersistenceRmse, metrics.Skill, metrics.IntervalCoverage, metrics.IntervalLevel, file.Sha256);
                return CommandOutput.Write(parsed, result, (writer, r) => writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r.TestStart:yyyy-MM-dd}..{r.TestEnd:yyyy-MM-dd}, {r.Windows:N0} windows: RMSE {r.Rmse:0.000} (persistence {r.PersistenceRmse:0.000}, skill {r.Skill:0.0000}), MAE {r.Mae:0.000}, {r.IntervalCoverage:P1} inside the {r.IntervalLevel:P0} interval")));
            }
        });
        return command;
    }

    internal sealed record EvaluateResult(DateOnly TestStart, DateOnly TestEnd, int Windows, double Rmse, double Mae, double PersistenceRmse, double Skill, double IntervalCoverage, double IntervalLevel, string DataSha256);
}
