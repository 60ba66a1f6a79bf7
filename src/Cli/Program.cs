using SunspotForecaster.Cli;

return await SunspotsCli.RunAsync(args, Console.Out, Console.Error);
