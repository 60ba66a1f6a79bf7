using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using SunspotForecaster.Core;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Functions;
using SunspotForecaster.Functions.Http;

// Before any thread allocates: libtorch's freed buffers stay in the heap (see NativeHeap).
NativeHeap.KeepFreedMemory();
var builder = FunctionsApplication.CreateBuilder(args);

builder.ConfigureFunctionsWebApplication();
SecurityHeaders.AddTo(builder.Services);
builder.Services.AddSunspotTelemetry();
builder.Services.AddSunspotCore(builder.Configuration);

builder.Build().Run();
