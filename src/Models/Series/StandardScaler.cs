namespace SunspotForecaster.Models.Series;

/// <summary>
/// Maps values to zero mean and unit variance with statistics fitted on the training range only,
/// so nothing about the validation or test data leaks into the inputs.
/// </summary>
public readonly record struct StandardScaler(float Mean, float StandardDeviation)
{
    /// <summary>Fits on the observed (non-NaN) values.</summary>
    public static StandardScaler Fit(ReadOnlySpan<float> values)
    {
        double sum = 0;
        double sumOfSquares = 0;
        int count = 0;
        foreach (float value in values)
        {
            if (!float.IsNaN(value))
            {
                sum += value;
                sumOfSquares += (double)value * value;
                count++;
            }
        }

        if (count == 0)
        {
            throw new ArgumentException("There are no observed values to fit the scaling on.", nameof(values));
        }

        double mean = sum / count;
        double deviation = Math.Sqrt(Math.Max(sumOfSquares / count - mean * mean, 0));
        return new StandardScaler((float)mean, deviation > 1e-6 ? (float)deviation : 1f);
    }

    public float Scale(float value) => (value - Mean) / StandardDeviation;

    public float Unscale(float scaled) => scaled * StandardDeviation + Mean;
}
