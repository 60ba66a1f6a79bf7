using SunspotForecaster.Core.Networks;
using SunspotForecaster.Core.Series;
using static TorchSharp.torch;

namespace SunspotForecaster.Core.Forecasting;

/// <summary>
/// A trained sunspot network with what it needs to answer: the window length, the scaling fitted on
/// its training data and its prediction intervals. Safe to share between threads: calls are
/// serialised on one loaded network (TorchSharp does not document a module as thread-safe), run in
/// eval mode without gradient tracking, and free their native memory before returning.
/// </summary>
public sealed class ForecastModel : IDisposable
{
    /// <summary>Most days one answer holds (the API's and the CLI's <c>days</c>).</summary>
    public const int MaxDays = 30;

    /// <summary>
    /// The longest lead (days after the last observation) forecast, with intervals fitted and checked
    /// on the validation years: a month of days from a last observation up to a month old.
    /// </summary>
    public const int MaxLead = 60;

    /// <summary>Days in the rotation mean, one solar rotation as seen from Earth.</summary>
    public const int RotationDays = 27;

    internal const int BatchSize = 4096;

    /// <summary>How far back <see cref="WindowEndingAt"/> looks for a full window of observed days before a gap.</summary>
    public const int MaxGapLookback = 366;

    private readonly RegressorEnsemble _network;
    // Each thread steps single forecasts on its own buffers, without the lock: no libtorch call is made.
    private readonly ThreadLocal<(ManagedEnsemble Ensemble, float[] Window)> _single;
    private readonly Lock _gate = new();

    /// <summary>
    /// Wraps a trained <paramref name="network"/>. Single forecasts run on a managed copy of its
    /// weights taken here, so the network must not be trained further once wrapped.
    /// <paramref name="leadMethods"/> (default: the network) holds one method per lead with an interval.
    /// </summary>
    public ForecastModel(RegressorEnsemble network, RegressorShape shape, int window, StandardScaler scaler, PredictionIntervals? intervals, IReadOnlyList<ForecastMethod>? leadMethods = null)
    {
        _network = network;
        _network.eval();
        var weights = new ManagedEnsemble(network, shape, window);
        _single = new(() => (weights.WithOwnBuffers(), new float[window]));
        Shape = shape;
        Window = window;
        Scaler = scaler;
        Intervals = intervals;
        LeadMethods = leadMethods ?? Enumerable.Repeat(ForecastMethod.Model, intervals?.MaxLead ?? MaxLead).ToArray();
    }

    /// <summary>The shape of each member of the ensemble.</summary>
    public RegressorShape Shape { get; }

    /// <summary>How many networks answer together (their forecasts averaged).</summary>
    public int Members => _network.Count;

    public int Window { get; }

    public StandardScaler Scaler { get; }

    /// <summary>Null only while the model is being calibrated after training.</summary>
    public PredictionIntervals? Intervals { get; internal set; }

    /// <summary>
    /// For each lead 1..<see cref="Leads"/>, what serves it: the network, or the baseline that did
    /// better on the validation years.
    /// </summary>
    public IReadOnlyList<ForecastMethod> LeadMethods { get; internal set; }

    /// <summary>
    /// The longest lead this model forecasts: <see cref="MaxLead"/>, or 30 for a model from a package
    /// of format 1, whose intervals were fitted for leads 1..30 only.
    /// </summary>
    public int Leads => LeadMethods.Count;

    internal RegressorEnsemble Network => _network;

    /// <summary>
    /// The <see cref="Window"/> daily values that end at <paramref name="end"/> in
    /// <paramref name="values"/>, with every day that has no observation (NaN) filled by the
    /// model's own one-day forecast from the days before it: the model rolls through a gap as it
    /// rolls through the days it forecasts.
    /// </summary>
    /// <exception cref="ArgumentException">No full window of observed days lies within <see cref="MaxGapLookback"/> days before the gap.</exception>
    public float[] WindowEndingAt(ReadOnlySpan<float> values, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(end);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(end, values.Length);
        int from = Math.Max(0, end - Window + 1 - MaxGapLookback);
        float[] work = values[from..(end + 1)].ToArray();
        int observedRun = 0;
        for (int i = 0; i < work.Length; i++)
        {
            if (float.IsFinite(work[i]))
            {
                observedRun++;
                continue;
            }

            if (observedRun < Window)
            {
                observedRun = 0;
                continue;
            }

            var scaled = new float[Window];
            for (int k = 0; k < Window; k++)
            {
                scaled[k] = Scaler.Scale(work[i - Window + k]);
            }

            work[i] = MathF.Max(0, PredictPaths(scaled, 1, 1)[0][0]);
            observedRun++;
        }

        if (work.Length < Window || observedRun < Window)
        {
            throw new ArgumentException($"The model needs {Window} days with observations (or forecast through a gap) before the last one; the data do not have them within {MaxGapLookback} days.");
        }

        return work[^Window..];
    }

    /// <summary>The <paramref name="days"/> days after the end of <paramref name="history"/>: leads 1..days.</summary>
    /// <exception cref="ArgumentException">Too little history, a missing or negative value, or days outside 1..30.</exception>
    public IReadOnlyList<ForecastDay> Forecast(ReadOnlySpan<float> history, DateOnly lastDate, int days)
    {
        if (days is < 1 or > MaxDays)
        {
            throw new ArgumentException($"days must be between 1 and {MaxDays}; it is {days}.", nameof(days));
        }

        return ForecastLeads(history, lastDate, 1, days);
    }

    /// <summary>
    /// Leads <paramref name="firstLead"/>..<paramref name="lastLead"/> after the end of
    /// <paramref name="history"/> (daily values, oldest first, the last on
    /// <paramref name="lastDate"/>): the network rolls forward from the last <see cref="Window"/>
    /// values, feeding each forecast back in, through every day before the first one asked; each
    /// lead is served by its <see cref="LeadMethods"/> entry (the rotation mean is that of the last
    /// <see cref="RotationDays"/> values given), with the interval fitted for that lead.
    /// </summary>
    /// <exception cref="ArgumentException">Too little history, a missing or negative value among the last <see cref="Window"/>, or leads outside 1..<see cref="Leads"/>.</exception>
    public IReadOnlyList<ForecastDay> ForecastLeads(ReadOnlySpan<float> history, DateOnly lastDate, int firstLead, int lastLead)
    {
        if (firstLead < 1 || lastLead < firstLead || lastLead > Leads)
        {
            throw new ArgumentException($"Leads run from 1 to {Leads}; {firstLead}..{lastLead} were asked.", nameof(lastLead));
        }

        if (history.Length < Window)
        {
            throw new ArgumentException($"The model needs the last {Window} daily values; {history.Length} were given.", nameof(history));
        }

        ReadOnlySpan<float> recent = history[^Window..];
        var scaled = new float[Window];
        for (int i = 0; i < Window; i++)
        {
            if (!float.IsFinite(recent[i]) || recent[i] < 0)
            {
                throw new ArgumentException($"Daily value {history.Length - Window + i + 1} of the history is {recent[i]}; sunspot numbers are finite and not negative.", nameof(history));
            }

            scaled[i] = Scaler.Scale(recent[i]);
        }

        Span<float> path = stackalloc float[lastLead];
        PredictPath(scaled, path);
        PredictionIntervals intervals = Intervals ?? throw new InvalidOperationException("The model has no prediction intervals yet.");
        float last = recent[^1];
        float rotationMean = RotationMean(history);
        var forecasts = new ForecastDay[lastLead - firstLead + 1];
        for (int lead = firstLead; lead <= lastLead; lead++)
        {
            ForecastMethod method = LeadMethods[lead - 1];
            float value = method switch
            {
                ForecastMethod.Persistence => last,
                ForecastMethod.RotationMean => rotationMean,
                _ => MathF.Max(0, path[lead - 1]),
            };
            (float lower, float upper) = intervals.Around(value, lead);
            forecasts[lead - firstLead] = new ForecastDay(lastDate.AddDays(lead), lead, value, lower, upper, intervals.Level, method);
        }

        return forecasts;
    }

    /// <summary>
    /// The recursive forecasts of one scaled window, <paramref name="path"/>[h - 1] h days ahead, in
    /// sunspot numbers: <see cref="PredictPaths"/> for a single window, stepped in managed code
    /// (<see cref="ManagedEnsemble"/>) instead of through libtorch.
    /// </summary>
    private void PredictPath(ReadOnlySpan<float> scaledWindow, Span<float> path)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        (ManagedEnsemble ensemble, float[] buffer) = _single.Value;
        Span<float> window = buffer;
        scaledWindow.CopyTo(window);
        for (int h = 0; h < path.Length; h++)
        {
            float next = ensemble.Next(window);
            path[h] = Scaler.Unscale(next);
            window[1..].CopyTo(window);
            window[^1] = next;
        }
    }

    /// <summary>The mean of the last <see cref="RotationDays"/> values of <paramref name="history"/> that have an observation.</summary>
    public static float RotationMean(ReadOnlySpan<float> history)
    {
        double sum = 0;
        int count = 0;
        for (int i = history.Length - 1; i >= 0 && i >= history.Length - RotationDays; i--)
        {
            if (float.IsFinite(history[i]))
            {
                sum += history[i];
                count++;
            }
        }

        return count == 0 ? float.NaN : (float)(sum / count);
    }

    /// <summary>The next-day forecast of every window, in sunspot numbers.</summary>
    public float[] PredictNextDay(WindowSet windows) => PredictPaths(windows.Inputs, windows.Count, 1)[0];

    /// <summary>
    /// Recursive forecasts 1..<paramref name="horizon"/> days ahead from each of
    /// <paramref name="count"/> scaled windows laid out row after row; result[h - 1][i] is window i's
    /// forecast h days ahead, in sunspot numbers.
    /// </summary>
    public float[][] PredictPaths(float[] scaledWindows, int count, int horizon)
    {
        var paths = new float[horizon][];
        for (int h = 0; h < horizon; h++)
        {
            paths[h] = new float[count];
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            using var noGrad = no_grad();
            for (int start = 0; start < count; start += BatchSize)
            {
                int size = Math.Min(BatchSize, count - start);
                using var scope = NewDisposeScope();
                Tensor inputs = tensor(scaledWindows.AsSpan(start * Window, size * Window).ToArray(), [size, Window, 1]);
                for (int h = 0; h < horizon; h++)
                {
                    Tensor next = _network.forward(inputs);
                    float[] values = next.data<float>().ToArray();
                    for (int i = 0; i < size; i++)
                    {
                        paths[h][start + i] = Scaler.Unscale(values[i]);
                    }

                    if (h + 1 < horizon)
                    {
                        inputs = cat([inputs[.., 1.., ..], next.unsqueeze(2)], 1);
                    }
                }
            }
        }

        return paths;
    }

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        lock (_gate)
        {
            IsDisposed = true;
            _network.Dispose();
            _single.Dispose(); // a forecast still running gets ObjectDisposedException, as before
        }
    }
}
