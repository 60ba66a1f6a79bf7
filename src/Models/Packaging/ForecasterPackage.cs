using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Models.Regression;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Series;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Models.Packaging;

/// <summary>Saves and loads sunspot models (<c>kind: sunspots</c>).</summary>
public static class ForecasterPackage
{
    public static ModelKind Kind => ModelKind.Sunspots;

    /// <summary>Saves a trained model into <paramref name="directory"/> (created or replaced).</summary>
    public static ModelManifest Save(TrainedForecaster trained, string directory, string dataSha256, TimeProvider? clock = null)
    {
        (ModelManifest manifest, PackageFiles files) = Pack(trained, dataSha256, clock);
        files.WriteTo(directory);
        return manifest;
    }

    /// <summary>Packs a trained model in memory, with the SHA-256 of the data it was trained on.</summary>
    public static (ModelManifest Manifest, PackageFiles Files) Pack(TrainedForecaster trained, string dataSha256, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ForecasterRecipe options = trained.Options;
        ForecastModel model = trained.Model;
        PredictionIntervals intervals = model.Intervals ?? throw new InvalidOperationException("The model has no prediction intervals.");
        BaselineIntervals baselines = model.Baselines ?? throw new InvalidOperationException("The model has no baseline intervals.");
        SeriesSplit split = trained.Data.Split;
        var details = new ForecasterDetails(
            Cell: options.Cell.ToString().ToLowerInvariant(),
            Window: model.Window,
            HiddenSize: model.Shape.HiddenSize,
            Layers: model.Shape.Layers,
            Dropout: model.Shape.Dropout,
            DenseSize: model.Shape.DenseSize,
            Scaler: new ScalerDetails(model.Scaler.Mean, model.Scaler.StandardDeviation),
            HyperParameters: new ForecasterHyperParameters(options.BatchSize, options.LearningRate, options.MaxEpochs, options.Patience, options.MinDelta, options.Seed, options.Budget?.TotalSeconds,
                options.WeightAverageDecay, options.Threads),
            Ranges: new TrainingRanges(Span(split.Train), Span(split.Validation), Span(split.Test)),
            Training: new TrainingDetails(trained.Run.Epochs, trained.Run.BestEpoch, trained.Run.StopReason.ToString(), trained.Run.TrainSeconds,
                trained.Data.Train.Count, trained.Data.Validation.Count, trained.Data.Test.Count, trained.Engine),
            Metrics: new ForecasterMetrics(trained.ValidationRmse, trained.Test),
            Intervals: Details(intervals),
            LeadMethods: model.LeadMethods,
            Members: model.Members,
            Linear: model.Linear is { } linear ? new LinearDetails(options.LinearLags, options.LinearPenalties, linear.Leads) : null,
            PersistenceIntervals: Details(baselines.Persistence),
            RotationMeanIntervals: Details(baselines.RotationMean));

        NetworkLayout layout = EnsembleLayout(model.Shape, model.Members);
        float[] flat = [.. model.Networks.SelectMany(n => n.Weights)];
        return ModelPackage.Pack(TorchWeightsFile.Write(layout, flat), weights => new ModelManifest
        {
            FormatVersion = ModelPackage.FormatVersion,
            Kind = Kind.Name,
            CodeVersion = ModelPackage.CodeVersion,
            CreatedAt = (clock ?? TimeProvider.System).GetUtcNow(),
            DataSha256 = dataSha256,
            Weights = weights,
            Forecaster = details,
        });
    }

    /// <summary>Loads the package in a folder; throws <see cref="ModelPackageException"/> when it is unusable.</summary>
    public static (ForecastModel Model, ModelManifest Manifest) Load(string directory) => Load(PackageFiles.Read(directory), $"'{directory}'");

    /// <summary>Loads a package, checking the manifest and the weights; throws <see cref="ModelPackageException"/> when they are unusable.</summary>
    public static (ForecastModel Model, ModelManifest Manifest) Load(PackageFiles files, string origin)
    {
        // Packages before format 5 carry a 90% interval but no quantiles: ReadManifest refuses them, saying to retrain.
        ModelManifest manifest = ModelPackage.ReadManifest(files, Kind.Name, origin);
        ForecasterDetails details = manifest.Forecaster ?? throw new ModelPackageException($"The manifest of {origin} lacks the 'forecaster' section.");
        string? problem = Problem(details, ForecastModel.MaxLead);
        if (problem is not null)
        {
            throw new ModelPackageException($"The manifest of {origin} {problem}; retrain the model.");
        }

        RecurrentCell cell = Enum.Parse<RecurrentCell>(details.Cell, ignoreCase: true);
        LinearForecaster? linear = ReadLinear(details, ForecastModel.MaxLead, origin);
        var shape = new RegressorShape(cell, details.HiddenSize, details.Layers, details.Dropout, details.DenseSize);
        NetworkLayout member = NetworkLayout.Regressor(shape);
        float[] flat = ModelPackage.ReadWeights(files, manifest, EnsembleLayout(shape, details.Members), origin);
        ManagedRegressor[] members = [.. Enumerable.Range(0, details.Members).Select(m => new ManagedRegressor(shape, flat.AsSpan(m * member.Count, member.Count).ToArray()))];
        var scaler = new StandardScaler(details.Scaler.Mean, details.Scaler.StandardDeviation);
        var baselines = new BaselineIntervals(Intervals(details.PersistenceIntervals!), Intervals(details.RotationMeanIntervals!));
        return (new ForecastModel(members, details.Window, scaler, Intervals(details.Intervals), details.LeadMethods, linear, baselines), manifest);
    }

    private static IntervalDetails Details(PredictionIntervals intervals) => new(PredictionIntervals.Levels, intervals.ScaleOffset, intervals.Quantiles);

    private static PredictionIntervals Intervals(IntervalDetails details) => new(details.ScaleOffset, details.Quantiles);

    // The linear model: one usable lead per lead served, present wherever a lead is served by it.
    private static LinearForecaster? ReadLinear(ForecasterDetails details, int leads, string origin)
    {
        int? linearLead = details.LeadMethods?.Select((m, i) => (m, i)).Where(x => x.m == ForecastMethod.Linear).Select(x => (int?)(x.i + 1)).FirstOrDefault();
        if (details.Linear is null)
        {
            return linearLead is int lead
                ? throw new ModelPackageException($"The manifest of {origin} serves lead {lead} by the linear model but has no 'linear' section; retrain the model.")
                : null;
        }

        if (details.Linear.Leads is not { } linearLeads || linearLeads.Count != leads)
        {
            throw new ModelPackageException($"The linear model in the manifest of {origin} has {details.Linear.Leads?.Count ?? 0} leads, not {leads}; retrain the model.");
        }

        for (int i = 0; i < linearLeads.Count; i++)
        {
            if (LinearForecaster.Problem(linearLeads[i], i + 1) is string problem)
            {
                throw new ModelPackageException($"The linear model in the manifest of {origin} is unusable: {problem}; retrain the model.");
            }
        }

        return new LinearForecaster(linearLeads);
    }

    // What makes the forecaster section unusable, naming the field (null when all is well): a
    // missing section, a size out of range, a number that is not finite, quantiles at other levels
    // or for other leads than the format's, or decreasing; lead methods for other leads.
    private static string? Problem(ForecasterDetails details, int leads)
    {
        foreach ((object? section, string name) in new (object?, string)[]
        {
            (details.Cell, "cell"), (details.Scaler, "scaler"), (details.Intervals, "intervals"), (details.PersistenceIntervals, "persistenceIntervals"),
            (details.RotationMeanIntervals, "rotationMeanIntervals"), (details.Ranges, "ranges"), (details.Training, "training"), (details.Metrics, "metrics"),
            (details.HyperParameters, "hyperParameters"), (details.LeadMethods, "leadMethods"),
        })
        {
            if (section is null)
            {
                return $"lacks forecaster.{name}";
            }
        }

        if (!Enum.TryParse(details.Cell, ignoreCase: true, out RecurrentCell cell) || !Enum.IsDefined(cell))
        {
            return $"names an unknown cell '{details.Cell}' in forecaster.cell (lstm, gru or rnn)";
        }

        (bool Bad, string What)[] checks =
        [
            (details.Window is < 1 or > 3653, $"has forecaster.window {details.Window} (1 to 3,653 days)"),
            (details.HiddenSize is < 1 or > 1024, $"has forecaster.hiddenSize {details.HiddenSize} (1 to 1,024)"),
            (details.Layers is < 1 or > 8, $"has forecaster.layers {details.Layers} (1 to 8)"),
            (details.DenseSize is < 1 or > 1024, $"has forecaster.denseSize {details.DenseSize} (1 to 1,024)"),
            (!(details.Dropout is >= 0 and < 1), $"has forecaster.dropout {details.Dropout} (0 to below 1)"),
            (!float.IsFinite(details.Scaler.Mean), $"has forecaster.scaler.mean {details.Scaler.Mean} (a finite number)"),
            (!(details.Scaler.StandardDeviation > 0) || !float.IsFinite(details.Scaler.StandardDeviation), $"has forecaster.scaler.standardDeviation {details.Scaler.StandardDeviation} (a positive number)"),
            (details.LeadMethods!.Count != leads || details.LeadMethods.Any(m => !Enum.IsDefined(m)), $"has forecaster.leadMethods for {details.LeadMethods.Count} leads or an unknown method; format {ModelPackage.FormatVersion} has one method for each of {leads} leads"),
            (details.Members is < 1 or > ForecasterRecipe.MaxMembers, $"has forecaster.members {details.Members} (1 to {ForecasterRecipe.MaxMembers})"),
        ];

        foreach ((bool bad, string what) in checks)
        {
            if (bad)
            {
                return what;
            }
        }

        return IntervalProblem(details.Intervals, "intervals", leads)
            ?? IntervalProblem(details.PersistenceIntervals!, "persistenceIntervals", leads)
            ?? IntervalProblem(details.RotationMeanIntervals!, "rotationMeanIntervals", leads);
    }

    private static string? IntervalProblem(IntervalDetails intervals, string name, int leads)
    {
        if (intervals.Levels is null || !intervals.Levels.SequenceEqual(PredictionIntervals.Levels))
        {
            return $"has forecaster.{name}.levels {string.Join(", ", intervals.Levels ?? [])}; format {ModelPackage.FormatVersion} has {string.Join(", ", PredictionIntervals.Levels)}";
        }

        if (!float.IsFinite(intervals.ScaleOffset) || intervals.ScaleOffset < 0)
        {
            return $"has forecaster.{name}.scaleOffset {intervals.ScaleOffset} (a finite number, not negative)";
        }

        if (intervals.Quantiles is null || intervals.Quantiles.Length != leads)
        {
            return $"has forecaster.{name}.quantiles for {intervals.Quantiles?.Length ?? 0} leads; format {ModelPackage.FormatVersion} has {leads}";
        }

        for (int lead = 1; lead <= leads; lead++)
        {
            float[]? q = intervals.Quantiles[lead - 1];
            if (q is null || q.Length != PredictionIntervals.Levels.Count || q.Any(v => !float.IsFinite(v)) || q.Zip(q.Skip(1)).Any(p => p.Second < p.First))
            {
                return $"has forecaster.{name}.quantiles at lead {lead} that are not {PredictionIntervals.Levels.Count} finite, non-decreasing numbers";
            }
        }

        return null;
    }

    // The ensemble's parameters as TorchSharp names them: each member's under "members.N.".
    private static NetworkLayout EnsembleLayout(RegressorShape shape, int members) =>
        NetworkLayout.Ensemble(NetworkLayout.Regressor(shape), members);

    private static DateSpan Span(DateRange range) => new(range.Start, range.End);
}
