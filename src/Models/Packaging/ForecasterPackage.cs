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

    /// <summary>The leads a package of format 1 has intervals for.</summary>
    public const int Format1Leads = 30;

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
            Intervals: new IntervalDetails(intervals.Level, intervals.ScaleOffset, intervals.LowerQuantiles, intervals.UpperQuantiles),
            LeadMethods: model.LeadMethods,
            Members: model.Members,
            Linear: model.Linear is { } linear ? new LinearDetails(options.LinearLags, options.LinearPenalties, linear.Leads) : null);

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
        ModelManifest manifest = ModelPackage.ReadManifest(files, Kind.Name, origin, oldestFormat: 1);
        ForecasterDetails details = manifest.Forecaster ?? throw new ModelPackageException($"The manifest of {origin} lacks the 'forecaster' section.");

        // Format 1 fitted intervals for leads 1..30 and served every lead with the network; formats
        // 2 to 4 fit intervals and choose a method for each lead 1..60 (format 4 among them the linear model).
        int leads = manifest.FormatVersion == 1 ? Format1Leads : ForecastModel.MaxLead;
        string? problem = Problem(details, manifest.FormatVersion, leads);
        if (problem is not null)
        {
            throw new ModelPackageException($"The manifest of {origin} {problem}; retrain the model.");
        }

        RecurrentCell cell = Enum.Parse<RecurrentCell>(details.Cell, ignoreCase: true);
        LinearForecaster? linear = ReadLinear(details, manifest.FormatVersion, leads, origin);
        var shape = new RegressorShape(cell, details.HiddenSize, details.Layers, details.Dropout, details.DenseSize);

        // Formats 1 and 2 saved their one network alone: its weights' keys are a member's.
        NetworkLayout member = NetworkLayout.Regressor(shape);
        float[] flat = ModelPackage.ReadWeights(files, manifest, manifest.FormatVersion < 3 ? member : EnsembleLayout(shape, details.Members), origin);
        ManagedRegressor[] members = [.. Enumerable.Range(0, details.Members).Select(m => new ManagedRegressor(shape, flat.AsSpan(m * member.Count, member.Count).ToArray()))];
        var intervals = new PredictionIntervals(details.Intervals.Level, details.Intervals.ScaleOffset, details.Intervals.Lower, details.Intervals.Upper);
        var scaler = new StandardScaler(details.Scaler.Mean, details.Scaler.StandardDeviation);
        return (new ForecastModel(members, details.Window, scaler, intervals, details.LeadMethods, linear), manifest);
    }

    // Format 4's linear model: one usable lead per lead served, present wherever a lead is served by it.
    private static LinearForecaster? ReadLinear(ForecasterDetails details, int format, int leads, string origin)
    {
        int? linearLead = details.LeadMethods?.Select((m, i) => (m, i)).Where(x => x.m == ForecastMethod.Linear).Select(x => (int?)(x.i + 1)).FirstOrDefault();
        if (details.Linear is null)
        {
            return linearLead is int lead
                ? throw new ModelPackageException($"The manifest of {origin} serves lead {lead} by the linear model but has no 'linear' section; retrain the model.")
                : null;
        }

        if (format < 4)
        {
            throw new ModelPackageException($"The manifest of {origin} has a 'linear' section, which package format {format} does not have; retrain the model.");
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
    // missing section, a size out of range, a number that is not finite, intervals or lead methods
    // for other leads than the format's.
    private static string? Problem(ForecasterDetails details, int format, int leads)
    {
        if (details.Intervals is null)
        {
            return "lacks forecaster.intervals";
        }

        foreach ((object? section, string name) in new (object?, string)[]
        {
            (details.Cell, "cell"), (details.Scaler, "scaler"), (details.Intervals.Lower, "intervals.lower"),
            (details.Intervals.Upper, "intervals.upper"), (details.Ranges, "ranges"), (details.Training, "training"), (details.Metrics, "metrics"),
            (details.HyperParameters, "hyperParameters"),
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
            (!(details.Intervals.Level is > 0 and < 1), $"has forecaster.intervals.level {details.Intervals.Level} (between 0 and 1)"),
            (!float.IsFinite(details.Intervals.ScaleOffset) || details.Intervals.ScaleOffset < 0, $"has forecaster.intervals.scaleOffset {details.Intervals.ScaleOffset} (a finite number, not negative)"),
            (details.Intervals.Lower.Length != leads || details.Intervals.Upper.Length != leads, $"has intervals for {details.Intervals.Lower.Length} and {details.Intervals.Upper.Length} leads in forecaster.intervals.lower and .upper; format {format} has {leads}"),
            (details.Intervals.Lower.Concat(details.Intervals.Upper).Any(q => !float.IsFinite(q)), "has a number that is not finite in forecaster.intervals"),
            (details.LeadMethods is not null && (details.LeadMethods.Count != leads || details.LeadMethods.Any(m => !Enum.IsDefined(m))), $"has forecaster.leadMethods for {details.LeadMethods?.Count} leads or an unknown method; format {format} has one method for each of {leads} leads"),
            (details.LeadMethods is null && format != 1, $"lacks forecaster.leadMethods, which format {format} has"),
            (details.Members is < 1 or > ForecasterRecipe.MaxMembers, $"has forecaster.members {details.Members} (1 to {ForecasterRecipe.MaxMembers})"),
            (format < 3 && details.Members != 1, $"has forecaster.members {details.Members}; format {format} holds one network"),
        ];

        foreach ((bool bad, string what) in checks)
        {
            if (bad)
            {
                return what;
            }
        }

        return null;
    }

    // The ensemble's parameters as TorchSharp names them: each member's under "members.N.".
    private static NetworkLayout EnsembleLayout(RegressorShape shape, int members) =>
        NetworkLayout.Ensemble(NetworkLayout.Regressor(shape), members);

    private static DateSpan Span(DateRange range) => new(range.Start, range.End);
}
