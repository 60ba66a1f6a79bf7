using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Core.Classification;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Packaging;
using SunspotForecaster.Core.Training;

namespace SunspotForecaster.Core.Storage;

/// <summary>Settings of retraining (section <c>Training</c>).</summary>
public sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>Wall-clock budget of one training run; it must fit well inside the function timeout.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 600)]
    public int BudgetMinutes { get; set; } = 20;
}

/// <summary>How a retrain request ended.</summary>
public enum RetrainOutcome
{
    /// <summary>A version was trained, registered and put to the promotion policy.</summary>
    Trained,

    /// <summary>The same model, data and settings were trained before: nothing to do.</summary>
    AlreadyDone,

    /// <summary>Another trainer holds this model's lease: try again later.</summary>
    Busy,
}

public sealed record RetrainResult(RetrainOutcome Outcome, ModelVersion? Version, PromotionDecision? Decision, string Message);

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
    IOptions<TrainingOptions> training,
    ILogger<RetrainService> logger)
{
    /// <exception cref="FormatException">The request can never succeed (its data are missing or do not match it).</exception>
    public async Task<RetrainResult> RetrainAsync(RetrainRequest request, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await registry.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        SidcFile? data = null;
        string fingerprint;
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

            fingerprint = ForecasterSettings().Fingerprint();
        }
        else
        {
            fingerprint = new CarColourTrainingOptions().Fingerprint();
        }

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

        string package = Path.Combine(Path.GetTempPath(), $"sunspots-{request.Model}-{Guid.NewGuid():N}");
        try
        {
            if (data is not null)
            {
                TrainedForecaster trained = ForecasterTrainer.Train(data.Series, ForecasterSettings(), progress, cancellationToken);
                using (trained.Model)
                {
                    ForecasterPackage.Save(trained, package, data.Sha256);
                }
            }
            else
            {
                TrainedCarColourModel trained = CarColourTrainer.Train(new CarColourTrainingOptions(), progress: progress, cancellationToken: cancellationToken);
                using (trained.Model)
                {
                    ClassifierPackage.Save(trained, package);
                }
            }

            ModelVersion version = await registry.RegisterAsync(request.Model, package, fingerprint, cancellationToken).ConfigureAwait(false);
            PromotionDecision decision = await promotion.ConsiderAsync(request.Model, version.Version, data, cancellationToken).ConfigureAwait(false);
            return new RetrainResult(RetrainOutcome.Trained, version, decision, decision.Reason);
        }
        finally
        {
            if (Directory.Exists(package))
            {
                Directory.Delete(package, recursive: true);
            }
        }
    }

    private ForecasterTrainingOptions ForecasterSettings() => new() { Budget = TimeSpan.FromMinutes(training.Value.BudgetMinutes) };

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: version {Version} was trained from the same data and settings; nothing to do")]
    private partial void LogAlreadyDone(string model, int version);
}
