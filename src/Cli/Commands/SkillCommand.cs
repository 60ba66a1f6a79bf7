using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Models.Evaluation;
using SunspotForecaster.Core.Pipeline;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots skill</c>: live skill from the forecast ledger in the configured storage, as <c>GET /api/skill</c> answers it.</summary>
internal static class SkillCommand
{
    public static Command Create(IConfiguration configuration)
    {
        var command = new Command("skill", "Live skill of the served forecasts, scored as the truth arrived: per lead band and model version, against persistence and the 27-day mean.");
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await using ServiceProvider services = CliServices.Create(configuration);
            LiveSkillReport report = await services.GetRequiredService<LedgerService>().SkillAsync(cancellationToken);
            return CommandOutput.Write(parsed, report, Write);
        });
        return command;
    }

    private static void Write(TextWriter writer, LiveSkillReport report)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Live skill of {report.Model}, forecasts issued {report.From:yyyy-MM-dd}..{report.To:yyyy-MM-dd} ({report.WindowDays} days); champion {(report.Champion is int c ? $"version {c}" : "none")}"));
        if (report.Lines.Count == 0)
        {
            writer.WriteLine("  No forecast of the window has been scored yet.");
            return;
        }

        writer.WriteLine("  version  leads      n    RMSE  persistence  27-day mean  skill vs pers.  skill vs mean  coverage    CRPS  interval score");
        foreach (SkillLine line in report.Lines)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(line.Version == 0 ? "fallback" : line.Version.ToString(CultureInfo.InvariantCulture)),7}  {line.Band,5}  {line.Count,5:N0}  {line.Rmse,6:0.00}  {line.PersistenceRmse,11:0.00}  {line.RotationMeanRmse,11:0.00}  {line.SkillVsPersistence,14:0.000}  {line.SkillVsRotationMean,13:0.000}  {(line.Coverage is double cov ? cov.ToString("P1", CultureInfo.InvariantCulture) : "-"),8}  {CommandOutput.Figure(line.Crps, "0.00"),6}  {CommandOutput.Figure(line.IntervalScore, "0.0"),14}"));
        }

        if (report.ChampionTest is { } test)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  Champion at leads 1-7 since its promotion: RMSE {test.ModelRmse:0.00} against persistence's {test.PersistenceRmse:0.00} on {test.Count} forecasts of {test.Days} days (Diebold-Mariano {test.Statistic:0.00}, p = {test.PValue:0.000})"));
        }
    }
}
