namespace SunspotForecaster.Models.Regression;

/// <summary>
/// The direct linear forecast of one lead: <see cref="Intercept"/> plus
/// <see cref="Coefficients"/>[k] times the value k days before the last observed day (k = 0 is that
/// day), in sunspot numbers. It was fitted as a ridge regression on standardised features — the last
/// <see cref="Lags"/> daily values, their 27-day and 81-day means — with the penalty
/// <see cref="Penalty"/>, both chosen on the validation years, where it scored
/// <see cref="ValidationRmse"/>; the means and the scaling are folded into the coefficients, so the
/// forecast is one dot product over <see cref="Days"/> values.
/// </summary>
public sealed record LinearLead(int Lead, int Lags, double Penalty, double ValidationRmse, double Intercept, double[] Coefficients)
{
    /// <summary>How many daily values, up to the last observed day, the forecast reads.</summary>
    public int Days => Coefficients.Length;

    /// <summary>The forecast <see cref="Lead"/> days after the last value of <paramref name="history"/> (oldest first; its last <see cref="Days"/> values are read, and must be observed).</summary>
    /// <exception cref="ArgumentException"><paramref name="history"/> is shorter than <see cref="Days"/>.</exception>
    public float Predict(ReadOnlySpan<float> history)
    {
        if (history.Length < Coefficients.Length)
        {
            throw new ArgumentException($"The linear forecast at lead {Lead} needs the last {Coefficients.Length} daily values; {history.Length} were given.", nameof(history));
        }

        double sum = Intercept;
        int last = history.Length - 1;
        for (int k = 0; k < Coefficients.Length; k++)
        {
            sum += Coefficients[k] * history[last - k];
        }

        return (float)sum;
    }
}
