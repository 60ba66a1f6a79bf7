using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Serving;
using SunspotForecaster.Core.Storage;

namespace SunspotForecaster.Core;

public static class SunspotCoreServiceCollectionExtensions
{
    /// <summary>
    /// Everything Core offers, composed the same way by the Functions host and the CLI: the stores,
    /// the workflows, the serving caches, and SILSO's download with retries that honour
    /// Retry-After, an attempt timeout and a total timeout. Every options class is bound by section
    /// name and validated at start.
    /// </summary>
    public static IServiceCollection AddSunspotCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSunspotStorage(configuration);
        services.AddValidatedOptions<IngestOptions>(configuration, IngestOptions.SectionName);
        services.AddValidatedOptions<RetrainJobOptions>(configuration, RetrainJobOptions.SectionName);
        services.AddValidatedOptions<PromotionOptions>(configuration, PromotionOptions.SectionName);
        services.AddValidatedOptions<LedgerOptions>(configuration, LedgerOptions.SectionName);
        services.AddValidatedOptions<ServingOptions>(configuration, ServingOptions.SectionName);

        services.TryAddSingleton<TrainingRecipes>();
        services.TryAddSingleton<PromotionService>();
        services.TryAddSingleton<RetrainService>();
        services.TryAddSingleton<RetrainPlanner>();
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<LedgerService>();
        services.TryAddTransient<DataRefreshService>(); // holds the typed HttpClient of IngestService
        services.TryAddTransient<EstimateRefreshService>(); // holds the typed HttpClient of EisnIngestService
        services.TryAddTransient<LocalPipeline>(); // holds the typed HttpClients through the ingest services
        services.TryAddSingleton<ChampionCache>();
        services.TryAddSingleton<ObservationsService>();
        services.TryAddSingleton<ForecastService>();
        services.TryAddSingleton<Presentation.DashboardService>();
        services.TryAddSingleton<ClassificationService>();

        AddSilsoDownload(services.AddHttpClient<IngestService>(client => client.Timeout = Timeout.InfiniteTimeSpan));
        AddSilsoDownload(services.AddHttpClient<EisnIngestService>(client => client.Timeout = Timeout.InfiniteTimeSpan));
        return services;
    }

    // The resilience handler bounds each attempt (until the headers) and the whole request, with
    // retries from the Ingest:* settings; the client itself must not cut them short. The body is
    // bounded after the headers by the services themselves (BoundedDownload).
    private static void AddSilsoDownload(IHttpClientBuilder client) =>
        client.AddStandardResilienceHandler()
            .Configure((options, provider) =>
            {
                IngestOptions ingest = provider.GetRequiredService<IOptions<IngestOptions>>().Value;
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(ingest.AttemptTimeoutSeconds);
                options.Retry.MaxRetryAttempts = ingest.Retries;
                options.Retry.Delay = TimeSpan.FromSeconds(ingest.RetryDelaySeconds);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(Math.Max(ingest.TotalTimeoutSeconds, ingest.AttemptTimeoutSeconds + 1));
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(2 * ingest.AttemptTimeoutSeconds + 1);
            });

    private static void AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
    {
        services.AddOptions<TOptions>()
            .Bind(configuration.GetSection(section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
    }
}
