using System.CommandLine;
using System.Globalization;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Presentation;
using SunspotForecaster.Core.Serving;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots forecast</c>: the days from tomorrow (or the day after <c>--today</c>), from a SIDC file and an EISN file, with intervals; the JSON is the API's.</summary>
internal static class ForecastCommand
{
    public static Command Create()
    {
        Option<DirectoryInfo> modelDirectory = CommonOptions.SunspotModelDirectory();
        Option<string> data = CommonOptions.Data();
        Option<string?> eisn = new("--eisn")
        {
            Description = "SILSO's daily estimate for the current month (EISN_current.csv): a path or an http(s) URL. Its days after the daily file's last day extend it.",
            HelpName = "FILE|URL",
        };
        Option<DateOnly?> today = CommonOptions.Date("--today", "The day the forecast is issued (default: today, UTC); it starts the day after, and EISN rows from this day on are ignored.");
        Option<int> days = CommonOptions.WholeNumber("--days", "Days to forecast, from the day after the issue day.", 1, 1, ForecastModel.MaxDays);
        Option<FileInfo?> chart = new("--chart")
        {
            Description = $"Also draw the forecast after the last {DashboardPage.HistoryDays} observed days as an SVG file (the picture GET /api/forecast/chart answers).",
            HelpName = "FILE.svg",
            Validators =
            {
                result =>
                {
                    if (result.GetValueOrDefault<FileInfo?>() is { } file && !(file.Directory?.Exists ?? false))
                    {
                        result.AddError($"--chart: the folder {file.DirectoryName} does not exist.");
                    }
                },
            },
        };
        var command = new Command("forecast", "Forecast the days from tomorrow from a SIDC file (and an EISN file), with 90% intervals.") { modelDirectory, data, eisn, today, days, chart };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            ForecastView view = await OfflineForecast.FromFilesAsync(
                parsed.GetRequiredValue(modelDirectory).FullName,
                parsed.GetRequiredValue(data),
                parsed.GetValue(eisn),
                parsed.GetValue(today) ?? DateOnly.FromDateTime(now.UtcDateTime),
                parsed.GetValue(days),
                now,
                cancellationToken);
            if (parsed.GetValue(chart) is { } file)
            {
                // Written beside, then moved: a reader never sees half a picture.
                string partial = file.FullName + ".partial";
                await File.WriteAllTextAsync(partial, ForecastChart.Svg(view.Series, view.Forecast, DashboardPage.HistoryDays), cancellationToken);
                File.Move(partial, file.FullName, overwrite: true);
            }

            return CommandOutput.Write(parsed, view.Forecast, WriteForecast);
        });
        return command;
    }

    /// <summary>The forecast as a person reads it; <c>pipeline run</c> prints its first day the same way.</summary>
    public static void WriteForecast(TextWriter writer, SunspotForecast forecast)
    {
        LastObservation last = forecast.LastObservation;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Issued {forecast.IssuedAt:yyyy-MM-dd}. Last observation {last.Date:yyyy-MM-dd}: {last.Value:0}{(last.Kind is { } kind ? $" ({kind.ToString().ToLowerInvariant()})" : "")}, {forecast.GapDays} day{(forecast.GapDays == 1 ? "" : "s")} before.{(forecast.Model is { } model ? $" Model trained {model.TrainedAt:yyyy-MM-dd}, test RMSE {model.TestRmse:0.00}." : $" No model: {forecast.Reason}")}"));
        foreach (ForecastDay day in forecast.Forecasts)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {day.Date:yyyy-MM-dd}  lead {day.Lead,2}  {day.Value,6:0.0}{(day.Lower is float lower ? $"   {day.IntervalLevel:P0} interval {lower,6:0.0} .. {day.Upper,6:0.0}" : "")}{(day.Quantiles is { } q ? $"   median {q[0.5],6:0.0}, quartiles {q[0.25],6:0.0} .. {q[0.75],6:0.0}" : "")}{(day.Method switch { ForecastMethod.Persistence => "   (persistence)", ForecastMethod.RotationMean => "   (27-day mean)", ForecastMethod.Linear => "   (linear model)", _ => "" })}"));
        }

        writer.WriteLine(forecast.Source);
    }
}
