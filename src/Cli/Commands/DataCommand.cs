using System.CommandLine;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots data</c>: what a SIDC file holds and how it splits for training.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        Option<string> data = CommonOptions.Data();
        Option<int> window = CommonOptions.Window(defaultDays: new ForecasterRecipe().Window);
        var command = new Command("data", "Summarise a SIDC daily sunspot file: rows, dates, missing and provisional days, and the split sizes.")
        {
            data, window,
        };
        SplitOptionSet split = CommonOptions.SplitDates(command);

        command.SetAction(async (parsed, cancellationToken) =>
        {
            string location = parsed.GetRequiredValue(data);
            SidcFile file = await SidcSource.LoadAsync(location, cancellationToken: cancellationToken);
            PreparedSeries prepared = SeriesPreparation.Prepare(file.Series, split.Read(parsed), parsed.GetValue(window));
            return CommandOutput.Write(parsed, DataSummary.Of(Path.GetFileName(location), file.Series, prepared), WriteText);
        });
        return command;
    }

    private static void WriteText(TextWriter output, DataSummary summary)
    {
        output.WriteLine($"{summary.File}: {summary.Rows:N0} rows, {summary.FirstDate:yyyy-MM-dd} to {summary.LastDate:yyyy-MM-dd}");
        output.WriteLine($"  days without observations  {summary.MissingDays:N0} (the last {summary.LastDayWithoutObservations:yyyy-MM-dd})");
        output.WriteLine($"  provisional days           {summary.ProvisionalDays:N0}{(summary.FirstProvisionalDate is DateOnly p ? $" (from {p:yyyy-MM-dd})" : "")}");
        output.WriteLine($"  observed every day from    {summary.ObservedFrom:yyyy-MM-dd}");
        output.WriteLine();
        output.WriteLine($"  {"split",-15} {"from",-10}  {"to",-10}  {"days",7}  {"windows",7}  {"skipped",7}   ({summary.Window}-day windows)");
        foreach ((string name, SplitSummary part) in new[] { ("train", summary.Splits.Train), ("validation", summary.Splits.Validation), ("test", summary.Splits.Test) })
        {
            output.WriteLine($"  {name,-15} {part.Start:yyyy-MM-dd}  {part.End:yyyy-MM-dd}  {part.Days,7:N0}  {part.Windows,7:N0}  {part.SkippedWindows,7:N0}");
        }

        RangeSummary years = summary.Splits.TrainingYears;
        output.WriteLine($"  {"training years",-15} {years.Start:yyyy-MM-dd}  {years.End:yyyy-MM-dd}  {years.Days,7:N0}   (train + validation)");
    }

    internal sealed record DataSummary(
        string File,
        int Rows,
        DateOnly FirstDate,
        DateOnly LastDate,
        int MissingDays,
        DateOnly? LastDayWithoutObservations,
        DateOnly ObservedFrom,
        int ProvisionalDays,
        DateOnly? FirstProvisionalDate,
        int Window,
        SplitSummaries Splits)
    {
        public static DataSummary Of(string file, SunspotSeries series, PreparedSeries prepared) => new(
            file,
            series.Count,
            series.FirstDate,
            series.LastDate,
            series.MissingDays,
            series.LastMissingDate,
            series.ObservedFrom,
            series.ProvisionalDays,
            series.FirstProvisionalDate,
            prepared.Train.WindowLength,
            new SplitSummaries(
                new RangeSummary(prepared.Split.TrainingYears.Start, prepared.Split.TrainingYears.End, prepared.Split.TrainingYears.Days),
                SplitSummary.Of(prepared.Split.Train, prepared.Train),
                SplitSummary.Of(prepared.Split.Validation, prepared.Validation),
                SplitSummary.Of(prepared.Split.Test, prepared.Test)));
    }

    internal sealed record SplitSummaries(RangeSummary TrainingYears, SplitSummary Train, SplitSummary Validation, SplitSummary Test);

    internal sealed record RangeSummary(DateOnly Start, DateOnly End, int Days);

    internal sealed record SplitSummary(DateOnly Start, DateOnly End, int Days, int Windows, int SkippedWindows)
    {
        public static SplitSummary Of(DateRange range, WindowSet windows) =>
            new(range.Start, range.End, range.Days, windows.Count, windows.SkippedWindows);
    }
}
