using System.CommandLine;
using System.Globalization;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;

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
        Option<int?> leads = new("--leads")
        {
            Description = $"Also score leads 1..N (up to {ForecastModel.MaxLead}) beside persistence, the 27-day mean and the linear model: 'byLead'.",
            HelpName = "N",
            CustomParser = result =>
            {
                string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= ForecastModel.MaxLead)
                {
                    return n;
                }

                result.AddError($"--leads: '{text}' is not a whole number from 1 to {ForecastModel.MaxLead}.");
                return null;
            },
        };
        var command = new Command("evaluate", "Score a saved model's next-day forecasts on a test range beside persistence, and with --leads its skill at each lead.") { modelDirectory, data, testStart, testEnd, leads };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            (ForecastModel model, ModelManifest manifest) = ForecasterPackage.Load(parsed.GetRequiredValue(modelDirectory).FullName);
            using (model)
            {
                SidcFile file = await SidcSource.LoadAsync(parsed.GetRequiredValue(data), cancellationToken: cancellationToken);
                DateOnly start = parsed.GetValue(testStart) ?? manifest.Forecaster!.Ranges.Test.Start;
                DateOnly end = parsed.GetValue(testEnd) ?? file.Series.LastDate;
                RangeScore score = ForecastEvaluator.Score(model, file.Series, start, end, parsed.GetValue(leads));
                TestMetrics metrics = score.NextDay;
                var result = new EvaluateResult(start, end, metrics.Windows, metrics.Rmse, metrics.Mae, metrics.PersistenceRmse, metrics.Skill, metrics.IntervalCoverage, metrics.IntervalLevel, file.Sha256, score.ByLead);
                return CommandOutput.Write(parsed, result, WriteEvaluation);
            }
        });
        return command;
    }

    private static void WriteEvaluation(TextWriter writer, EvaluateResult r)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.TestStart:yyyy-MM-dd}..{r.TestEnd:yyyy-MM-dd}, {r.Windows:N0} windows: RMSE {r.Rmse:0.000} (persistence {r.PersistenceRmse:0.000}, skill {r.Skill:0.0000}), MAE {r.Mae:0.000}, {r.IntervalCoverage:P1} inside the {r.IntervalLevel:P0} interval"));
        if (r.ByLead is null)
        {
            return;
        }

        writer.WriteLine("  lead       n    RMSE  persistence  27-day mean   linear  served RMSE  coverage    CRPS  pers.  mean  interval score  pers.  mean  served by");
        foreach (LeadScore lead in r.ByLead)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {lead.Lead,4}  {lead.N,6:N0}  {lead.Rmse,6:0.000}  {lead.PersistenceRmse,11:0.000}  {lead.RotationMeanRmse,11:0.000}  {CommandOutput.Figure(lead.LinearRmse),7}  {lead.ServedRmse,11:0.000}  {lead.Coverage,8:P1}  {CommandOutput.Figure(lead.Crps, "0.00"),6}  {CommandOutput.Figure(lead.PersistenceCrps, "0.00"),5}  {CommandOutput.Figure(lead.RotationMeanCrps, "0.00"),5}  {CommandOutput.Figure(lead.IntervalScore, "0.0"),14}  {CommandOutput.Figure(lead.PersistenceIntervalScore, "0.0"),5}  {CommandOutput.Figure(lead.RotationMeanIntervalScore, "0.0"),5}  {lead.Method}"));
        }
    }

    internal sealed record EvaluateResult(DateOnly TestStart, DateOnly TestEnd, int Windows, double Rmse, double Mae, double PersistenceRmse, double Skill, double IntervalCoverage, double IntervalLevel, string DataSha256, IReadOnlyList<LeadScore>? ByLead);
}
