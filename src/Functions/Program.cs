using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SunspotForecaster.Core;
using SunspotForecaster.Functions;

var builder = FunctionsApplication.CreateBuilder(args);

builder.ConfigureFunctionsWebApplication();
builder.Services.AddSunspotTelemetry();
builder.Services.AddSunspotCore(builder.Configuration);

builder.Build().Run();
