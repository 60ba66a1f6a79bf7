using System.CommandLine;
using System.Globalization;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Packaging;

namespace SunspotForecaster.Cli.Commands;

/// <summary><c>sunspots forecast</c>: the days after the last day of a SIDC file, with intervals.</summary>
internal static class ForecastCommand
{
    public static Command Create()
    {
        Option<DirectoryInfo> modelDirectory = CommonOptions.SunspotModelDirectory();
        Option<string> data = CommonOptions.Data();
        Option<int> days = CommonOptions.WholeNumber("--days", "Days to forecast after the last day of the data.", 1, 1, ForecastModel.MaxHorizon);
        var command = new Command("forecast", "Forecast the days after the last day of a SIDC file, with 90% intervals.") { modelDirectory, data, days };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            (ForecastModel model, ModelManifest manifest) = ForecasterPackage.Load(parsed.GetRequiredValue(modelDirectory).FullName);
            using (model)
            {
                SidcFile file = await SidcSource.LoadAsync(parsed.GetRequiredValue(data), cancellationToken: cancellationToken);
                SunspotForecast forecast = SunspotForecast.FromSeries(model, ModelSummary.Of(manifest, version: null), file.Series, parsed.GetValue(days));
                return CommandOutput.Write(parsed, forecast, WriteForecast);
            }
        });
        return command;
    }

    /// <summary>The forecast as a person reads it; <c>pipeline run</c> prints its first day the same way.</summary>
    public static void WriteForecast(TextWriter writer, SunspotForecast forecast)
    {
        LastObservation last = forecast.LastObservation;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Last observation {last.Date:yyyy-MM-dd}: {last.Value:0}{(last.Provisional ? " (provisional)" : "")}. {(forecast.Model is { } model ? $" Model trained {model.TrainedAt:yyyy-MM-dd}, test RMSE {model.TestRmse:0.00}." : $" No model: {forecast.Reason}")}"));
        foreach (ForecastDay day in forecast.Forecasts)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {day.Date:yyyy-MM-dd}  {day.Value,6:0.0}   {day.IntervalLevel:P0} interval {day.Lower,6:0.0} .. {day.Upper,6:0.0}"));
        }

        writer.WriteLine(forecast.Source);
    }
}
