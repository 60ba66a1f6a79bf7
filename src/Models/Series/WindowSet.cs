using SunspotForecaster.Models.Data;

namespace SunspotForecaster.Models.Series;

/// <summary>
/// Every run of <see cref="WindowLength"/> consecutive days inside a date range, each paired with
/// the day after it as the target, stored in one flat buffer (row i is
/// <c>Inputs[i * WindowLength .. (i + 1) * WindowLength]</c>). Windows that would touch a day
/// without observations are skipped and counted in <see cref="SkippedWindows"/>.
/// </summary>
public sealed class WindowSet
{
    private readonly SunspotSeries _series;
    private readonly int[] _targetIndices;

    private WindowSet(SunspotSeries series, int windowLength, float[] inputs, float[] targets, int[] targetIndices, int skippedWindows)
    {
        _series = series;
        _targetIndices = targetIndices;
        WindowLength = windowLength;
        Inputs = inputs;
        Targets = targets;
        SkippedWindows = skippedWindows;
    }

    public int WindowLength { get; }

    public int Count => Targets.Length;

    public int SkippedWindows { get; }

    /// <summary>All windows, row after row, in scaled units when a scaler was given.</summary>
    public float[] Inputs { get; }

    /// <summary>The day after each window, in the same units as <see cref="Inputs"/>.</summary>
    public float[] Targets { get; }

    public ReadOnlySpan<float> Input(int window) => Inputs.AsSpan(window * WindowLength, WindowLength);

    public DateOnly TargetDate(int window) => _series.DateAt(_targetIndices[window]);

    /// <summary>The series the windows were cut from.</summary>
    public SunspotSeries Series => _series;

    /// <summary>The index in <see cref="Series"/> of the target day of <paramref name="window"/>.</summary>
    public int TargetIndex(int window) => _targetIndices[window];

    /// <summary>The observed value of the day before the target (the persistence forecast), unscaled.</summary>
    public float LastObservedValue(int window) => _series.Values[_targetIndices[window] - 1];

    /// <summary>
    /// Builds the windows whose days and target all lie inside <paramref name="range"/>, scaling
    /// values with <paramref name="scaler"/> when given. Two passes over the range: one counts the
    /// usable windows, one fills buffers allocated once at their final size.
    /// </summary>
    public static WindowSet Build(SunspotSeries series, DateRange range, int windowLength, StandardScaler? scaler = null)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowLength, 1);

        int first = Math.Max(series.IndexOf(range.Start), 0);
        int last = Math.Min(series.IndexOf(range.End), series.Count - 1);
        ReadOnlySpan<float> values = series.Values;

        int usable = 0;
        int skipped = 0;
        for (int target = first + windowLength; target <= last; target++)
        {
            if (SpanIsObserved(values, target - windowLength, target))
            {
                usable++;
            }
            else
            {
                skipped++;
            }
        }

        var inputs = new float[usable * windowLength];
        var targets = new float[usable];
        var targetIndices = new int[usable];
        float mean = scaler?.Mean ?? 0f;
        float deviation = scaler?.StandardDeviation ?? 1f;
        int row = 0;
        for (int target = first + windowLength; target <= last; target++)
        {
            if (!SpanIsObserved(values, target - windowLength, target))
            {
                continue;
            }

            Span<float> destination = inputs.AsSpan(row * windowLength, windowLength);
            ReadOnlySpan<float> source = values.Slice(target - windowLength, windowLength);
            for (int i = 0; i < windowLength; i++)
            {
                destination[i] = (source[i] - mean) / deviation;
            }

            targets[row] = (values[target] - mean) / deviation;
            targetIndices[row] = target;
            row++;
        }

        return new WindowSet(series, windowLength, inputs, targets, targetIndices, skipped);
    }

    private static bool SpanIsObserved(ReadOnlySpan<float> values, int from, int to)
    {
        for (int i = from; i <= to; i++)
        {
            if (float.IsNaN(values[i]))
            {
                return false;
            }
        }

        return true;
    }
}
