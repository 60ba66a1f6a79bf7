using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SunspotForecaster.Functions;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>Telemetry with every level the app logs (not Application Insights' Warning-only default).</summary>
    public static IServiceCollection AddSunspotTelemetry(this IServiceCollection services)
    {
        services.AddApplicationInsightsTelemetryWorkerService();
        services.ConfigureFunctionsApplicationInsights();
        services.Configure<LoggerFilterOptions>(options =>
        {
            LoggerFilterRule? warningOnly = options.Rules.FirstOrDefault(rule =>
                rule.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
            if (warningOnly is not null)
            {
                options.Rules.Remove(warningOnly);
            }
        });
        return services;
    }
}
