using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Engine;
using SunspotForecaster.Models.Regression;
using SunspotForecaster.Models.Networks;
using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Models.Forecasting;

/// <summary>
/// A trained sunspot network with what it needs to answer: the window length, the scaling fitted on
/// its training data and its prediction intervals. The ensemble's members run in managed code
/// (<see cref="ManagedRegressor"/>), read only: threads share the model without a lock, each
/// stepping on buffers of its own, and no forecast loads libtorch.
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

    /// <summary>How far back <see cref="WindowEndingAt"/> looks for a full window of observed days before a gap.</summary>
    public const int MaxGapLookback = 366;

    // Windows per forward pass of a batch (the products' blocks stay in cache), and per thread.
    private const int BatchRows = 64;

    private readonly ManagedRegressor[] _members;
    private readonly ThreadLocal<RegressorWorkspace> _single;

    /// <summary>
    /// The ensemble of <paramref name="members"/> (their forecasts averaged), which must not change
    /// once wrapped. <paramref name="leadMethods"/> (default: the network) holds one method per lead
    /// with an interval; <paramref name="linear"/>, the direct linear forecasts, must be given when a
    /// lead is served by <see cref="ForecastMethod.Linear"/>.
    /// </summary>
    public ForecastModel(IReadOnlyList<ManagedRegressor> members, int window, StandardScaler scaler, PredictionIntervals? intervals, IReadOnlyList<ForecastMethod>? leadMethods = null, LinearForecaster? linear = null, BaselineIntervals? baselines = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        _members = [.. members];
        Shape = _members[0].Shape;
        if (_members.Any(m => m.Shape != Shape))
        {
            throw new ArgumentException("The members of an ensemble share one shape.", nameof(members));
        }

        _single = new(() => new RegressorWorkspace(Shape, window, 1));
        Window = window;
        Scaler = scaler;
        Intervals = intervals;
        Baselines = baselines;
        Linear = linear;
        LeadMethods = leadMethods ?? Enumerable.Repeat(ForecastMethod.Model, intervals?.MaxLead ?? MaxLead).ToArray();
    }

    /// <summary>The shape of each member of the ensemble.</summary>
    public RegressorShape Shape { get; }

    /// <summary>How many networks answer together (their forecasts averaged).</summary>
    public int Members => _members.Length;

    /// <summary>The members' networks (read only).</summary>
    public IReadOnlyList<ManagedRegressor> Networks => _members;

    public int Window { get; }

    public StandardScaler Scaler { get; }

    /// <summary>The quantiles of the method serving each lead; null only while the model is being calibrated after training.</summary>
    public PredictionIntervals? Intervals { get; internal set; }

    /// <summary>
    /// The baselines' own quantiles, fitted to their errors on the validation years as
    /// <see cref="Intervals"/> is to the served method's, so that their probabilistic scores stand
    /// beside the model's; null only while the model is being calibrated.
    /// </summary>
    public BaselineIntervals? Baselines { get; internal set; }

    /// <summary>
    /// For each lead 1..<see cref="Leads"/>, what serves it: the network, or the baseline that did
    /// better on the validation years.
    /// </summary>
    public IReadOnlyList<ForecastMethod> LeadMethods
    {
        get;
        internal set
        {
            ArgumentNullException.ThrowIfNull(value);
            int days = Window;
            for (int lead = 1; lead <= value.Count; lead++)
            {
                if (value[lead - 1] == ForecastMethod.Linear)
                {
                    LinearForecaster linear = Linear is { } l && lead <= l.MaxLead ? l
                        : throw new ArgumentException($"Lead {lead} is served by the linear model, which the model does not have for that lead.", nameof(value));
                    days = Math.Max(days, linear.Leads[lead - 1].Days);
                }
            }

            field = value;
            HistoryDays = days;
        }
    }

    /// <summary>The direct linear forecast of each lead (fitted beside the network in training); null when the training years were too short for one.</summary>
    public LinearForecaster? Linear { get; }

    /// <summary>
    /// How many daily values up to the last observed day a forecast of every lead reads: the
    /// network's <see cref="Window"/>, or more where a lead is served by a linear forecast that reads
    /// more days.
    /// </summary>
    public int HistoryDays { get; private set; }

    /// <summary>
    /// The longest lead this model forecasts: one method per lead (<see cref="MaxLead"/> for a
    /// trained or loaded model).
    /// </summary>
    public int Leads => LeadMethods.Count;

    /// <summary>
    /// The <see cref="Window"/> daily values that end at <paramref name="end"/> in
    /// <paramref name="values"/>, with every day that has no observation (NaN) filled by the
    /// model's own one-day forecast from the days before it: the model rolls through a gap as it
    /// rolls through the days it forecasts.
    /// </summary>
    /// <exception cref="ArgumentException">No full window of observed days lies within <see cref="MaxGapLookback"/> days before the gap.</exception>
    public float[] WindowEndingAt(ReadOnlySpan<float> values, int end) => HistoryEndingAt(values, end, Window);

    /// <summary>
    /// The <paramref name="days"/> (at least <see cref="Window"/>) daily values that end at
    /// <paramref name="end"/>, every day without an observation filled as
    /// <see cref="WindowEndingAt"/> fills it: by the network's one-day forecast from the
    /// <see cref="Window"/> days before it.
    /// </summary>
    /// <exception cref="ArgumentException">The <paramref name="days"/> days cannot all be observed or filled: no full window of observed days lies within <see cref="MaxGapLookback"/> days before a gap.</exception>
    public float[] HistoryEndingAt(ReadOnlySpan<float> values, int end, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(end);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(end, values.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(days, Window);
        int from = Math.Max(0, end - days + 1 - MaxGapLookback);
        float[] work = values[from..(end + 1)].ToArray();
        int observedRun = 0;
        float[]? scaled = null;
        var next = new float[1];
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

            scaled ??= new float[Window];
            for (int k = 0; k < Window; k++)
            {
                scaled[k] = Scaler.Scale(work[i - Window + k]);
            }

            PredictPath(scaled, next);
            work[i] = MathF.Max(0, next[0]);
            observedRun++;
        }

        if (work.Length < days || observedRun < days)
        {
            throw new ArgumentException($"The model needs {days} days with observations (or forecast through a gap) before the last one; the data do not have them within {MaxGapLookback} days.");
        }

        return work[^days..];
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
    /// <see cref="RotationDays"/> values given; a linear lead reads the last days it was fitted on,
    /// up to <see cref="HistoryDays"/>), with the interval fitted for that lead.
    /// </summary>
    /// <exception cref="ArgumentException">Too little history, a missing or negative value among the last <see cref="Window"/> (or the more days a linear lead asked reads), or leads outside 1..<see cref="Leads"/>.</exception>
    public IReadOnlyList<ForecastDay> ForecastLeads(ReadOnlySpan<float> history, DateOnly lastDate, int firstLead, int lastLead)
    {
        if (firstLead < 1 || lastLead < firstLead || lastLead > Leads)
        {
            throw new ArgumentException($"Leads run from 1 to {Leads}; {firstLead}..{lastLead} were asked.", nameof(lastLead));
        }

        int needed = Window;
        for (int lead = firstLead; lead <= lastLead; lead++)
        {
            if (LeadMethods[lead - 1] == ForecastMethod.Linear)
            {
                needed = Math.Max(needed, Linear!.Leads[lead - 1].Days);
            }
        }

        if (history.Length < needed)
        {
            throw new ArgumentException($"The model needs the last {needed} daily values; {history.Length} were given.", nameof(history));
        }

        for (int i = history.Length - needed; i < history.Length; i++)
        {
            if (!float.IsFinite(history[i]) || history[i] < 0 || history[i] > SidcParser.MaxDailyValue)
            {
                throw new ArgumentException($"Daily value {i + 1} of the history is {history[i]}; sunspot numbers are finite, not negative and at most {SidcParser.MaxDailyValue} (the highest daily number on record is 528).", nameof(history));
            }
        }

        ReadOnlySpan<float> recent = history[^Window..];
        var scaled = new float[Window];
        for (int i = 0; i < Window; i++)
        {
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
                ForecastMethod.Linear => MathF.Max(0, Linear!.Leads[lead - 1].Predict(history)),
                _ => MathF.Max(0, path[lead - 1]),
            };
            ForecastQuantiles quantiles = intervals.At(value, lead);
            forecasts[lead - firstLead] = new ForecastDay(lastDate.AddDays(lead), lead, value, quantiles.Lower, quantiles.Upper, PredictionIntervals.Level, method, quantiles);
        }

        return forecasts;
    }

    /// <summary>
    /// The recursive forecasts of one scaled window, <paramref name="path"/>[h - 1] h days ahead, in
    /// sunspot numbers: <see cref="PredictPaths"/> for a single window (the same sums).
    /// </summary>
    private void PredictPath(ReadOnlySpan<float> scaledWindow, Span<float> path)
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        RegressorWorkspace work = _single.Value!;
        Span<float> window = work.Inputs;
        scaledWindow.CopyTo(window);
        for (int h = 0; h < path.Length; h++)
        {
            float next = Next(work, 1)[0];
            path[h] = Scaler.Unscale(next);
            window[1..].CopyTo(window);
            window[^1] = next;
        }
    }

    // The ensemble's next-day forecasts (scaled) of the workspace's first rows: the members' mean.
    private ReadOnlySpan<float> Next(RegressorWorkspace work, int rows)
    {
        if (_members.Length == 1)
        {
            _members[0].Forward(work, rows);
            return work.Outputs.AsSpan(0, rows);
        }

        Span<float> sum = stackalloc float[rows];
        foreach (ManagedRegressor member in _members)
        {
            member.Forward(work, rows);
            for (int r = 0; r < rows; r++)
            {
                sum[r] += work.Outputs[r];
            }
        }

        for (int r = 0; r < rows; r++)
        {
            work.Outputs[r] = sum[r] / _members.Length;
        }

        return work.Outputs.AsSpan(0, rows);
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
    /// forecast h days ahead, in sunspot numbers. Batches of windows run on the thread pool.
    /// </summary>
    public float[][] PredictPaths(float[] scaledWindows, int count, int horizon)
    {
        ArgumentNullException.ThrowIfNull(scaledWindows);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, 1);
        if (scaledWindows.Length < count * Window)
        {
            throw new ArgumentException($"{count} windows of {Window} days need {count * Window} values; {scaledWindows.Length} were given.", nameof(scaledWindows));
        }

        ObjectDisposedException.ThrowIf(IsDisposed, this);
        var paths = new float[horizon][];
        for (int h = 0; h < horizon; h++)
        {
            paths[h] = new float[count];
        }

        int batches = (count + BatchRows - 1) / BatchRows;
        Parallel.For(0, batches, () => new RegressorWorkspace(Shape, Window, BatchRows), (batch, _, work) =>
        {
            int start = batch * BatchRows;
            int rows = Math.Min(BatchRows, count - start);
            Span<float> inputs = work.Inputs;
            scaledWindows.AsSpan(start * Window, rows * Window).CopyTo(inputs);
            for (int h = 0; h < horizon; h++)
            {
                ReadOnlySpan<float> next = Next(work, rows);
                for (int r = 0; r < rows; r++)
                {
                    paths[h][start + r] = Scaler.Unscale(next[r]);
                }

                if (h + 1 < horizon)
                {
                    for (int r = 0; r < rows; r++)
                    {
                        Span<float> window = inputs.Slice(r * Window, Window);
                        float value = next[r];
                        window[1..].CopyTo(window);
                        window[^1] = value;
                    }
                }
            }

            return work;
        }, _ => { });

        return paths;
    }

    /// <summary>Whether <see cref="Dispose"/> ran: the serving cache retires a replaced champion so, and later calls fail.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Retires the model: nothing native to free (its weights are managed); later forecasts throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        IsDisposed = true;
        _single.Dispose();
    }
}
