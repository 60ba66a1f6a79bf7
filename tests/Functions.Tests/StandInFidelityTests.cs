using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SunspotForecaster.Functions.Tests;

/// <summary>
/// The HTTP stand-in turns the functions' results into answers with what the worker's ASP.NET Core
/// integration registers: the same output formatters, result executors and JSON options, read
/// from a worker host built as Program.cs builds it (not started: there is no Functions host here).
/// </summary>
[Collection(ServedAppCollection.Name)]
public sealed class StandInFidelityTests(ServedAppFixture app)
{
    private static IServiceProvider Worker()
    {
        FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder([]);
        builder.ConfigureFunctionsWebApplication();
        return builder.Build().Services;
    }

    private static string[] Formatters(IServiceProvider services) =>
        [.. services.GetRequiredService<IOptions<MvcOptions>>().Value.OutputFormatters.Select(f => f.GetType().FullName!)];

    private static string Describe(JsonSerializerOptions options) =>
        $"naming {options.PropertyNamingPolicy?.GetType().Name}, case-insensitive {options.PropertyNameCaseInsensitive}, numbers {options.NumberHandling}, "
        + $"ignore {options.DefaultIgnoreCondition}, converters {string.Join("+", options.Converters.Select(c => c.GetType().Name))}, encoder {options.Encoder?.GetType().Name}, depth {options.MaxDepth}";

    [Fact]
    public void The_stand_in_formats_results_with_the_workers_mvc_formatters_executors_and_json_options()
    {
        IServiceProvider worker = Worker();
        IServiceProvider standIn = app.Server.Services;

        Assert.NotEmpty(Formatters(worker));
        Assert.Equal(Formatters(worker), Formatters(standIn));
        Assert.Equal(Describe(worker.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions), Describe(standIn.GetRequiredService<IOptions<JsonOptions>>().Value.JsonSerializerOptions));
        Assert.Equal(worker.GetRequiredService<IActionResultExecutor<ObjectResult>>().GetType(), standIn.GetRequiredService<IActionResultExecutor<ObjectResult>>().GetType());
        Assert.Equal(worker.GetRequiredService<IActionResultExecutor<ContentResult>>().GetType(), standIn.GetRequiredService<IActionResultExecutor<ContentResult>>().GetType());
        Assert.Equal(worker.GetRequiredService<ProblemDetailsFactory>().GetType(), standIn.GetRequiredService<ProblemDetailsFactory>().GetType());
    }
}
