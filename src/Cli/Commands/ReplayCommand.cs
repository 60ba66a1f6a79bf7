using System.CommandLine;
using System.Globalization;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Pipeline;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots replay</c>: the service's daily loop — issue, score, demote — over past days of a SIDC file.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        Option<DirectoryInfo> modelDirectory = CommonOptions.SunspotModelDirectory();
        Option<string> data = CommonOptions.Data();
        Option<DateOnly?> from = CommonOptions.Date("--from", "First issue day.");
        Option<DateOnly?> to = CommonOptions.Date("--to", "Last issue day.");
        from.Required = true;
        to.Required = true;
        var defaults = new LedgerOptions();
        var command = new Command("replay", "Replay the daily cycle over past days: each day, knowing the file through that day only, issue the forecasts for the next 30 days, score them, and apply the demotion rule.") { modelDirectory, data, from, to };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            (ForecastModel model, ModelManifest manifest) = ForecasterPackage.Load(parsed.GetRequiredValue(modelDirectory).FullName);
            using (model)
            {
                SidcFile file = await SidcSource.LoadAsync(parsed.GetRequiredValue(data), cancellationToken: cancellationToken);
                ReplayReport report = Replay.Run(model, ModelSummary.Of(manifest, version: null), file.Series, parsed.GetValue(from)!.Value, parsed.GetValue(to)!.Value, defaults.WindowDays, defaults.DemotionMinCount);
                return CommandOutput.Write(parsed, report, Write);
            }
        });
        return command;
    }

    private static void Write(TextWriter writer, ReplayReport report)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Replayed {report.Days:N0} issue days, {report.From:yyyy-MM-dd}..{report.To:yyyy-MM-dd}. {report.Note}"));
        writer.WriteLine("  lead       n    RMSE  persistence  27-day mean   linear  coverage    CRPS  pers.  mean  interval score  pers.  mean");
        foreach (ReplayLead lead in report.ByLead)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {lead.Lead,4}  {lead.N,6:N0}  {lead.Rmse,6:0.000}  {lead.PersistenceRmse,11:0.000}  {lead.RotationMeanRmse,11:0.000}  {CommandOutput.Figure(lead.LinearRmse),7}  {lead.Coverage,8:P1}  {CommandOutput.Figure(lead.Crps, "0.00"),6}  {CommandOutput.Figure(lead.PersistenceCrps, "0.00"),5}  {CommandOutput.Figure(lead.RotationMeanCrps, "0.00"),5}  {CommandOutput.Figure(lead.IntervalScore, "0.0"),14}  {CommandOutput.Figure(lead.PersistenceIntervalScore, "0.0"),5}  {CommandOutput.Figure(lead.RotationMeanIntervalScore, "0.0"),5}"));
        }

        writer.WriteLine(report.Demotions.Count == 0
            ? "No demotion: the model never lost to persistence at leads 1-7 by a margin that is not noise."
            : string.Join(Environment.NewLine, report.Demotions.Select(d => string.Create(CultureInfo.InvariantCulture,
                $"Demoted on {d.Day:yyyy-MM-dd}: RMSE at leads 1-7 {d.Test.ModelRmse:0.00} against persistence's {d.Test.PersistenceRmse:0.00} on {d.Test.Count} forecasts (Diebold-Mariano {d.Test.Statistic:0.00}, p = {d.Test.PValue:0.0000})"))));
    }
}
