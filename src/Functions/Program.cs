using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SunspotForecaster.Core;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Functions;
using SunspotForecaster.Functions.Background;
using SunspotForecaster.Functions.Http;

// Before any thread allocates: libtorch's freed buffers stay in the heap (see NativeHeap).
NativeHeap.KeepFreedMemory();
var builder = FunctionsApplication.CreateBuilder(args);

builder.ConfigureFunctionsWebApplication();
SecurityHeaders.AddTo(builder.Services);
builder.Services.AddSunspotTelemetry();
// ASP.NET Core's own request lines (starting, endpoint, result, finished) cost the worker more per
// request than the forecast: each goes to the host over gRPC and to Application Insights, which
// already records the request. Its warnings and errors still arrive.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddSunspotCore(builder.Configuration);
// Last: stopped first, it cancels a running retrain and waits for it while the worker still answers the host.
builder.Services.AddRunningWork();

builder.Build().Run();
