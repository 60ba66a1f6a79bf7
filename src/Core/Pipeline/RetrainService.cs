using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Classification;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Core.Training;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// Carries out a retrain request: decides from stored state whether the work is already done,
/// takes the model's trainer lease, trains with the engine within the budget, registers the new
/// version and applies the promotion policy.
/// </summary>
public sealed partial class RetrainService(
    RawDataStore rawData,
    ModelRegistry registry,
    PromotionService promotion,
    BlobServiceClient blobs,
    IOptions<StorageOptions> storage,
    TrainingSettings settings,
    ILogger<RetrainService> logger)
{
    /// <exception cref="FormatException">The request can never succeed (its data are missing or do not match it).</exception>
    public async Task<RetrainResult> RetrainAsync(RetrainRequest request, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await registry.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        SidcFile? data = null;
        if (request.Model == ForecasterPackage.Kind)
        {
            try
            {
                data = await rawData.DownloadAsync(request.DataBlob!, cancellationToken).ConfigureAwait(false);
            }
            catch (Azure.RequestFailedException e) when (e.ErrorCode == "BlobNotFound")
            {
                throw new FormatException($"The data blob {request.DataBlob} that the request names does not exist.", e);
            }

            if (data.Sha256 != request.DataSha256)
            {
                throw new FormatException($"The data blob {request.DataBlob} has SHA-256 {data.Sha256}, not the {request.DataSha256} the request names.");
            }
        }

        string fingerprint = settings.Fingerprint(request.Model);
        string dataKey = data?.Sha256 ?? ModelRegistry.NoData;
        if (await registry.FindTrainedAsync(request.Model, dataKey, fingerprint, cancellationToken).ConfigureAwait(false) is { } done)
        {
            LogAlreadyDone(request.Model, done.Version);
            return new RetrainResult(RetrainOutcome.AlreadyDone, done, null, $"version {done.Version} was trained from the same data and settings");
        }

        await using TrainerLease? lease = await TrainerLease.TryAcquireAsync(blobs, storage, request.Model, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            return new RetrainResult(RetrainOutcome.Busy, null, null, $"another trainer holds the lease of '{request.Model}'");
        }

        // Another trainer may have finished this very work while we waited for the lease.
        if (await registry.FindTrainedAsync(request.Model, dataKey, fingerprint, cancellationToken).ConfigureAwait(false) is { } meanwhile)
        {
            return new RetrainResult(RetrainOutcome.AlreadyDone, meanwhile, null, $"version {meanwhile.Version} was trained from the same data and settings");
        }

        // Trained, packed and registered from memory; the decision scores the model in memory too.
        if (data is not null)
        {
            TrainedForecaster trained = ForecasterTrainer.Train(data.Series, settings.Forecaster, progress, cancellationToken);
            using (trained.Model)
            {
                ModelVersion version = await registry.RegisterAsync(request.Model, ForecasterPackage.Pack(trained, data.Sha256).Files, fingerprint, cancellationToken).ConfigureAwait(false);
                PromotionDecision decision = await promotion.ConsiderForecasterAsync(version.Version, trained.Model, trained.Data.Split.Test.Start, data, cancellationToken).ConfigureAwait(false);
                return new RetrainResult(RetrainOutcome.Trained, version, decision, decision.Reason);
            }
        }
        else
        {
            TrainedCarColourModel trained = CarColourTrainer.Train(settings.Cars, progress: progress, cancellationToken: cancellationToken);
            using (trained.Model)
            {
                ModelVersion version = await registry.RegisterAsync(request.Model, ClassifierPackage.Pack(trained).Files, fingerprint, cancellationToken).ConfigureAwait(false);
                PromotionDecision decision = await promotion.ConsiderClassifierAsync(version.Version, trained.Model, cancellationToken).ConfigureAwait(false);
                return new RetrainResult(RetrainOutcome.Trained, version, decision, decision.Reason);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: version {Version} was trained from the same data and settings; nothing to do")]
    private partial void LogAlreadyDone(string model, int version);
}
