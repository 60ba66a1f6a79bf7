using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SunspotForecaster.Models.Classification;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Packaging;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Core.Pipeline;

/// <summary>
/// Carries out a retrain request: decides from stored state whether the work is already done (and
/// finishes the promotion decision of a version a crash left undecided), takes the model's trainer
/// lease, trains within the budget (stopping if the lease is lost), registers the new version from
/// memory and applies the promotion policy to the model still in memory.
/// </summary>
public sealed partial class RetrainService(
    RawDataStore rawData,
    ModelRegistry registry,
    PromotionService promotion,
    RetrainQueue queue,
    BlobServiceClient blobs,
    IOptions<StorageOptions> storage,
    IOptions<RetrainJobOptions> training,
    TrainingRecipes settings,
    TimeProvider clock,
    ILogger<RetrainService> logger)
{
    // Past the other trainer's budget: its registration and promotion take seconds more.
    private static readonly TimeSpan FinishingMargin = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The queue's work: reads the message and retrains. A message that can never succeed is
    /// <see cref="RetrainOutcome.Dropped"/> with the reason. A busy model, or a lease lost while
    /// training, sends the message again, invisible until the other trainer can have finished, and
    /// completes this one: it never counts towards the poison queue and is never lost. Any other
    /// failure throws, so the host delivers the message again.
    /// </summary>
    public async Task<RetrainResult> HandleMessageAsync(string message, CancellationToken cancellationToken)
    {
        RetrainRequest request;
        try
        {
            request = RetrainRequest.Parse(message);
        }
        catch (FormatException e)
        {
            return new RetrainResult(RetrainOutcome.Dropped, null, null, e.Message);
        }

        RetrainResult result;
        try
        {
            result = await RetrainAsync(request, progress: null, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            return new RetrainResult(RetrainOutcome.Dropped, null, null, e.Message);
        }

        if (result.RetryAfter is TimeSpan delay)
        {
            await queue.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
            await queue.EnqueueAsync(request, cancellationToken, delay).ConfigureAwait(false);
            LogRequeued(request.Model, result.Outcome, delay);
        }

        return result;
    }

    /// <exception cref="FormatException">The request can never succeed (its data are missing or do not match it).</exception>
    public async Task<RetrainResult> RetrainAsync(RetrainRequest request, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await registry.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        SidcFile? data = null;
        if (ModelKind.Parse(request.Model).LearnsFromData)
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
            return await AlreadyDoneAsync(done, data, cancellationToken).ConfigureAwait(false);
        }

        TimeSpan leaseDuration = TimeSpan.FromSeconds(training.Value.LeaseSeconds);
        await using TrainerLease? lease = await TrainerLease.TryAcquireAsync(blobs, storage, request.Model, leaseDuration, clock, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            TimeSpan wait = await UntilOtherTrainerCanHaveFinishedAsync(request.Model, cancellationToken).ConfigureAwait(false);
            return new RetrainResult(RetrainOutcome.Busy, null, null, $"another trainer holds the lease of '{request.Model}'; trying again in {wait.TotalMinutes:0} minutes", wait);
        }

        // Another trainer may have finished this very work while we waited for the lease.
        if (await registry.FindTrainedAsync(request.Model, dataKey, fingerprint, cancellationToken).ConfigureAwait(false) is { } meanwhile)
        {
            return await AlreadyDoneAsync(meanwhile, data, cancellationToken).ConfigureAwait(false);
        }

        using var whileLeased = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        try
        {
            // Trained, packed and registered from memory; the decision scores the model in memory too.
            return data is not null
                ? await TrainForecasterAsync(data, fingerprint, lease, progress, whileLeased.Token).ConfigureAwait(false)
                : await TrainCarsAsync(fingerprint, lease, progress, whileLeased.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return LeaseLost(request.Model, lease);
        }
    }

    private async Task<RetrainResult> TrainForecasterAsync(SidcFile data, string fingerprint, TrainerLease lease, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        TrainedForecaster trained = ForecasterTrainer.Train(data.Series, settings.Forecaster, progress, cancellationToken);
        using (trained.Model)
        {
            if (!await lease.ConfirmAsync(cancellationToken).ConfigureAwait(false))
            {
                return LeaseLost(ModelKind.Sunspots.Name, lease);
            }

            ModelVersion version = await registry.RegisterAsync(ModelKind.Sunspots.Name, ForecasterPackage.Pack(trained, data.Sha256).Files, fingerprint, cancellationToken).ConfigureAwait(false);
            if (await DuplicateOfAsync(version, cancellationToken).ConfigureAwait(false) is { } duplicate)
            {
                return duplicate;
            }

            PromotionDecision decision = await promotion.ConsiderForecasterAsync(version.Version, trained.Model, trained.Data.Split.Test.Start, data, cancellationToken).ConfigureAwait(false);
            return new RetrainResult(RetrainOutcome.Trained, version, decision, decision.Reason);
        }
    }

    private async Task<RetrainResult> TrainCarsAsync(string fingerprint, TrainerLease lease, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        TrainedCarColourModel trained = CarColourTrainer.Train(settings.Cars, progress: progress, cancellationToken: cancellationToken);
        using (trained.Model)
        {
            if (!await lease.ConfirmAsync(cancellationToken).ConfigureAwait(false))
            {
                return LeaseLost(ModelKind.Cars.Name, lease);
            }

            ModelVersion version = await registry.RegisterAsync(ModelKind.Cars.Name, ClassifierPackage.Pack(trained).Files, fingerprint, cancellationToken).ConfigureAwait(false);
            if (await DuplicateOfAsync(version, cancellationToken).ConfigureAwait(false) is { } duplicate)
            {
                return duplicate;
            }

            PromotionDecision decision = await promotion.ConsiderClassifierAsync(version.Version, trained.Model, cancellationToken).ConfigureAwait(false);
            return new RetrainResult(RetrainOutcome.Trained, version, decision, decision.Reason);
        }
    }

    /// <summary>
    /// The lease keeps trainers of a model apart, but a lease can pass to another trainer while this
    /// one stalls, and both may then register the same work. The earliest version of that work is
    /// the one decided; a later duplicate is marked rejected at once rather than left undecided.
    /// </summary>
    private async Task<RetrainResult?> DuplicateOfAsync(ModelVersion registered, CancellationToken cancellationToken)
    {
        if (await registry.FindTrainedAsync(registered.Name, registered.DataSha256 ?? ModelRegistry.NoData, registered.SettingsSha256!, cancellationToken).ConfigureAwait(false) is not { } first
            || first.Version == registered.Version)
        {
            return null;
        }

        string reason = $"the same data and settings as version {first.Version}, which another trainer registered first";
        await registry.MarkAsync(registered.Name, registered.Version, ModelRegistry.StatusRejected, reason, cancellationToken).ConfigureAwait(false);
        return new RetrainResult(RetrainOutcome.AlreadyDone, first, null, $"version {registered.Version} was rejected: {reason}");
    }

    /// <summary>
    /// The work is done; but a crash between registering and deciding leaves a version undecided
    /// for good unless a redelivered message finishes the decision, so that is done here.
    /// </summary>
    private async Task<RetrainResult> AlreadyDoneAsync(ModelVersion done, SidcFile? data, CancellationToken cancellationToken)
    {
        if (done.Status != ModelRegistry.StatusRegistered)
        {
            LogAlreadyDone(done.Name, done.Version);
            return new RetrainResult(RetrainOutcome.AlreadyDone, done, null, $"version {done.Version} was trained from the same data and settings");
        }

        LogFinishingDecision(done.Name, done.Version);
        PromotionDecision decision = await promotion.ConsiderAsync(done.Name, done.Version, data, cancellationToken).ConfigureAwait(false);
        return new RetrainResult(RetrainOutcome.AlreadyDone, done, decision, $"version {done.Version} was trained from the same data and settings but left undecided; decided now: {decision.Reason}");
    }

    private RetrainResult LeaseLost(string model, TrainerLease lease)
    {
        LogLeaseLost(model, lease.RenewalFailure?.Message);
        TimeSpan wait = Budget + FinishingMargin;
        return new RetrainResult(RetrainOutcome.LeaseLost, null, null,
            $"the trainer lease of '{model}' was lost while training ({lease.RenewalFailure?.Message}); nothing was registered; trying again in {wait.TotalMinutes:0} minutes", wait);
    }

    private TimeSpan Budget => TimeSpan.FromMinutes(training.Value.BudgetMinutes);

    // Until the holder's budget (and a margin) has run out: it cannot train longer than that.
    private async Task<TimeSpan> UntilOtherTrainerCanHaveFinishedAsync(string model, CancellationToken cancellationToken)
    {
        TimeSpan longest = Budget + FinishingMargin;
        DateTimeOffset? started = await TrainerLease.HolderStartedAtAsync(blobs, storage, model, cancellationToken).ConfigureAwait(false);
        TimeSpan left = started is DateTimeOffset s ? s + longest - clock.GetUtcNow() : longest;
        return left < TimeSpan.FromMinutes(1) ? TimeSpan.FromMinutes(1) : left > longest ? longest : left;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: version {Version} was trained from the same data and settings; nothing to do")]
    private partial void LogAlreadyDone(string model, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model}: version {Version} was registered but never decided (a crash?); deciding now")]
    private partial void LogFinishingDecision(string model, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Model}: the trainer lease was lost while training ({Problem}); nothing registered")]
    private partial void LogLeaseLost(string model, string? problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Model}: {Outcome}; the message comes back in {Delay}")]
    private partial void LogRequeued(string model, RetrainOutcome outcome, TimeSpan delay);
}
