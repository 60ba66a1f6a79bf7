using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Evaluation;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Networks;
using SunspotForecaster.Core.Series;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Training;

/// <summary>
/// Trains the sunspot regressor: splits and windows the series, trains with early stopping on the
/// validation years (never the test range), fits the prediction intervals on the validation
/// years, and scores the result on the test range.
/// </summary>
public static class ForecasterTrainer
{
    public const double IntervalLevel = 0.90;

    // Part of the noise scale sqrt(level + offset): keeps intervals from collapsing near zero.
    public const float IntervalScaleOffset = 10f;

    public static TrainedForecaster Train(SunspotSeries series, ForecasterTrainingOptions options, IProgress<EpochProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        PreparedSeries data = SeriesPreparation.Prepare(series, options.Split, options.Window);

        var shape = new RegressorShape(options.Cell, options.HiddenSize, options.Layers, options.Dropout, options.DenseSize);
        RecurrentRegressor network = shape.Create();
        SeededInitialisation.Apply(network, options.Seed);
        var model = new ForecastModel(network, shape, options.Window, data.Scaler, intervals: null);
        try
        {
            TrainingRun run = Fit(model, data, options, progress, cancellationToken);
            // Each lead is served by the method that did best on the validation years, and its
            // interval comes from that method's errors there.
            LeadPairs[] validation = LeadEvaluation.Pairs(model, data.Validation, ForecastModel.MaxLead);
            ForecastMethod[] methods = LeadEvaluation.ChooseMethods(validation);
            model.LeadMethods = methods;
            model.Intervals = PredictionIntervals.Fit(validation.Select((pairs, i) => (IReadOnlyList<(float, float)>)pairs.Of(methods[i])).ToArray(), IntervalLevel, IntervalScaleOffset);
            double validationRmse = Rmse(model.PredictNextDay(data.Validation), data.Validation);
            TestMetrics test = ForecastEvaluator.Evaluate(model, data.Test);
            return new TrainedForecaster(model, options, data, run, validationRmse, test);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static TrainingRun Fit(ForecastModel model, PreparedSeries data, ForecasterTrainingOptions options, IProgress<EpochProgress>? progress, CancellationToken cancellationToken)
    {
        RecurrentRegressor network = model.Network;
        int window = options.Window;
        using Tensor trainInputs = tensor(data.Train.Inputs, [data.Train.Count, window, 1]);
        using Tensor trainTargets = tensor(data.Train.Targets, [data.Train.Count, 1]);

        // Validation loss in sunspot-number units, as the course's Keras model reports it, so that
        // min-delta means the same here as there.
        (double, double) Validate()
        {
            double rmse = Rmse(model.PredictNextDay(data.Validation), data.Validation);
            return (rmse * rmse, rmse);
        }

        return ModelTrainer.Train(
            network,
            data.Train.Count,
            indices => nn.functional.mse_loss(network.forward(trainInputs.index_select(0, indices)), trainTargets.index_select(0, indices)),
            Validate,
            new ModelTrainer.LoopOptions(options.BatchSize, options.LearningRate, options.MaxEpochs, options.Patience, options.MinDelta, options.Seed, options.Budget),
            progress,
            cancellationToken);
    }

    private static double Rmse(float[] forecasts, WindowSet windows)
    {
        ReadOnlySpan<float> values = windows.Series.Values;
        double squared = 0;
        for (int i = 0; i < forecasts.Length; i++)
        {
            double error = values[windows.TargetIndex(i)] - forecasts[i];
            squared += error * error;
        }

        return Math.Sqrt(squared / forecasts.Length);
    }
}
