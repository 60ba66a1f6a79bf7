using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Functions;

public static class FunctionsServiceCollectionExtensions
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

    /// <summary>The Core services, and SILSO's download with retries that honour Retry-After, an attempt timeout and a total timeout.</summary>
    public static IServiceCollection AddSunspotServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSunspotCore(configuration);
        // The resilience handler bounds each attempt and the whole download (Ingest:* settings);
        // the client itself must not cut them short.
        services.AddHttpClient<IngestService>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddStandardResilienceHandler()
            .Configure((options, provider) =>
            {
                IngestOptions ingest = provider.GetRequiredService<IOptions<IngestOptions>>().Value;
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(ingest.AttemptTimeoutSeconds);
                options.Retry.MaxRetryAttempts = ingest.Retries;
                options.Retry.Delay = TimeSpan.FromSeconds(ingest.RetryDelaySeconds);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(Math.Max(ingest.TotalTimeoutSeconds, ingest.AttemptTimeoutSeconds + 1));
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(2 * ingest.AttemptTimeoutSeconds + 1);
            });
        return services;
    }
}
