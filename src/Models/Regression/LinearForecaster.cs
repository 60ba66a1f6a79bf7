using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Series;

namespace SunspotForecaster.Models.Regression;

/// <summary>
/// A direct linear forecast for each lead 1..<see cref="MaxLead"/>: for lead h, a ridge regression
/// of the value h days after the last observed day on the last L daily values and their 27-day and
/// 81-day means (standardised, with an intercept). Each lead is fitted on the fitting part of the
/// training years only (<see cref="SeriesSplit.Train"/>, as the network), and its L and penalty λ
/// are chosen from small grids by the RMSE on the validation years; the test range is never read.
/// The normal equations are solved in double precision (Cholesky). Read only once built: threads
/// share it without a lock, and a forecast allocates nothing.
/// </summary>
public sealed class LinearForecaster
{
    /// <summary>The lag counts tried by default: one to six and two-thirds solar rotations.</summary>
    public static readonly IReadOnlyList<int> DefaultLags = [27, 54, 81, 108, 135, 162, 180];

    /// <summary>The penalties tried by default, on the scale of the standardised features' correlation matrix (its diagonal is 1).</summary>
    public static readonly IReadOnlyList<double> DefaultPenalties = [1e-4, 1e-3, 1e-2, 1e-1, 1];

    /// <summary>The most lags a lead may read.</summary>
    public const int MaxLags = 365;

    /// <summary>Days in the short mean feature (one solar rotation).</summary>
    public const int ShortMeanDays = 27;

    /// <summary>Days in the long mean feature (three rotations).</summary>
    public const int LongMeanDays = 81;

    private const int MeanFeatures = 2;

    /// <summary>The leads 1..n, <paramref name="leads"/>[h - 1] being lead h's.</summary>
    /// <exception cref="ArgumentException">The leads are not 1..n in order, or a lead is unusable.</exception>
    public LinearForecaster(IReadOnlyList<LinearLead> leads)
    {
        ArgumentNullException.ThrowIfNull(leads);
        ArgumentOutOfRangeException.ThrowIfZero(leads.Count);
        for (int i = 0; i < leads.Count; i++)
        {
            if (Problem(leads[i], i + 1) is string problem)
            {
                throw new ArgumentException(problem, nameof(leads));
            }
        }

        Leads = [.. leads];
        Days = Leads.Max(l => l.Days);
    }

    /// <summary>Each lead's forecast, lead h at index h - 1.</summary>
    public IReadOnlyList<LinearLead> Leads { get; }

    /// <summary>The longest lead forecast.</summary>
    public int MaxLead => Leads.Count;

    /// <summary>The most daily values any lead reads.</summary>
    public int Days { get; }

    /// <summary>The forecast <paramref name="lead"/> days after the last value of <paramref name="history"/> (unclipped: it can fall below zero).</summary>
    public float Predict(ReadOnlySpan<float> history, int lead)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lead, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lead, MaxLead);
        return Leads[lead - 1].Predict(history);
    }

    /// <summary>What makes <paramref name="lead"/> unusable as lead <paramref name="expected"/>, or null when it is fine.</summary>
    public static string? Problem(LinearLead? lead, int expected)
    {
        if (lead is null)
        {
            return $"lead {expected} is missing";
        }

        if (lead.Lead != expected)
        {
            return $"lead {expected} is labelled lead {lead.Lead}";
        }

        if (lead.Coefficients is null || lead.Coefficients.Length is < 1 or > MaxLags || lead.Lags is < 1 or > MaxLags || lead.Lags > lead.Coefficients.Length)
        {
            return $"lead {expected} has {lead.Coefficients?.Length ?? 0} coefficients for {lead.Lags} lags (1..{MaxLags} lags, as many coefficients as days read)";
        }

        if (!double.IsFinite(lead.Intercept) || lead.Coefficients.Any(c => !double.IsFinite(c)) || !(lead.Penalty >= 0) || !double.IsFinite(lead.Penalty))
        {
            return $"lead {expected} has a coefficient, intercept or penalty that is not a finite number";
        }

        return null;
    }

    /// <summary>
    /// Fits leads 1..<paramref name="maxLead"/> on <paramref name="split"/>'s fitting years and
    /// chooses each lead's lags and penalty on its validation years; null when the years are too
    /// short for the largest lag count (see the other overload).
    /// </summary>
    public static LinearForecaster? Fit(SunspotSeries series, SeriesSplit split, IReadOnlyList<int> lags, IReadOnlyList<double> penalties, int maxLead)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(split);
        return Fit(series.Values, (series.IndexOf(split.Train.Start), series.IndexOf(split.Train.End)),
            (series.IndexOf(split.Validation.Start), series.IndexOf(split.Validation.End)), lags, penalties, maxLead);
    }

    /// <summary>
    /// Fits on <paramref name="values"/> (daily, NaN where there is no observation): the rows are the
    /// issue days t whose inputs (the D days up to t, D the most any lag count reads) and targets
    /// t+1..t+<paramref name="maxLead"/> are all observed; training rows have every target inside
    /// <paramref name="train"/> (their inputs too), validation rows every target inside
    /// <paramref name="validation"/> (their inputs may reach back into the training years). Nothing
    /// after the validation years is read. Null when there are fewer training rows than twice the
    /// features, or no validation row.
    /// </summary>
    public static LinearForecaster? Fit(ReadOnlySpan<float> values, (int Start, int End) train, (int Start, int End) validation, IReadOnlyList<int> lags, IReadOnlyList<double> penalties, int maxLead)
    {
        ArgumentNullException.ThrowIfNull(lags);
        ArgumentNullException.ThrowIfNull(penalties);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLead, 1);
        if (lags.Count == 0 || lags.Any(l => l is < 1 or > MaxLags))
        {
            throw new ArgumentException($"The linear model's lag counts are 1..{MaxLags}; {string.Join(", ", lags)} were given.", nameof(lags));
        }

        if (penalties.Count == 0 || penalties.Any(p => !(p >= 0) || !double.IsFinite(p)))
        {
            throw new ArgumentException($"The linear model's penalties are finite and not negative; {string.Join(", ", penalties)} were given.", nameof(penalties));
        }

        int[] lagGrid = [.. lags.Distinct().Order()];
        double[] penaltyGrid = [.. penalties.Distinct().Order()];
        int maxLags = lagGrid[^1];
        int days = Math.Max(maxLags, LongMeanDays);
        int features = MeanFeatures + maxLags;
        int end = Math.Min(validation.End, values.Length - 1);

        // Missing days before each index (of the part read), to check a row's span at once.
        var missing = new int[end + 2];
        for (int i = 0; i <= end; i++)
        {
            missing[i + 1] = missing[i] + (float.IsFinite(values[i]) ? 0 : 1);
        }

        bool Observed(int from, int to) => from >= 0 && to <= end && missing[to + 1] == missing[from];
        List<int> trainRows = [.. Enumerable.Range(train.Start + days - 1, Math.Max(0, train.End - maxLead - (train.Start + days - 1) + 1)).Where(t => Observed(t - days + 1, t + maxLead))];
        int firstValidation = Math.Max(validation.Start - 1, days - 1);
        List<int> validationRows = [.. Enumerable.Range(firstValidation, Math.Max(0, end - maxLead - firstValidation + 1)).Where(t => Observed(t - days + 1, t + maxLead))];
        if (trainRows.Count < 2 * features || validationRows.Count == 0)
        {
            return null;
        }

        // Standardised feature columns and centred targets, with the training rows' statistics.
        double[][] z = Columns(values, trainRows, maxLags);
        double[][] zValidation = Columns(values, validationRows, maxLags);
        var featureMeans = new double[features];
        var featureScales = new double[features];
        for (int j = 0; j < features; j++)
        {
            (featureMeans[j], featureScales[j]) = MeanAndScale(z[j]);
            Standardise(z[j], featureMeans[j], featureScales[j]);
            Standardise(zValidation[j], featureMeans[j], featureScales[j]);
        }

        double[][] y = Targets(values, trainRows, maxLead);
        double[][] yValidation = Targets(values, validationRows, maxLead);
        var targetMeans = new double[maxLead];
        for (int h = 0; h < maxLead; h++)
        {
            targetMeans[h] = y[h].Average();
            Standardise(y[h], targetMeans[h], 1);
            Standardise(yValidation[h], targetMeans[h], 1);
        }

        // Moments: the fitting rows' give the coefficients, the validation rows' their squared error
        // (|y - Zβ|² = y·y - 2β·Zᵀy + βᵀZᵀZβ) without a pass over the rows per candidate.
        double[] gram = Gram(z);
        double[] gramValidation = Gram(zValidation);
        double[][] moments = CrossMoments(z, y);
        double[][] momentsValidation = CrossMoments(zValidation, yValidation);
        double[] targetSquares = [.. yValidation.Select(t => RidgeSolver.Dot(t, t) / t.Length)];

        var best = new (double Mse, int Lags, double Penalty, double[] Beta)[maxLead];
        Array.Fill(best, (double.PositiveInfinity, 0, 0, []));
        foreach (int lagCount in lagGrid)
        {
            int q = MeanFeatures + lagCount;
            double[] sub = Leading(gram, features, q);
            double[] subValidation = Leading(gramValidation, features, q);
            foreach (double penalty in penaltyGrid)
            {
                double[] factor = (double[])sub.Clone();
                for (int i = 0; i < q; i++)
                {
                    factor[i * q + i] += penalty;
                }

                if (!RidgeSolver.TryCholesky(factor, q))
                {
                    continue; // collinear features need a penalty
                }

                var beta = new double[q];
                for (int h = 0; h < maxLead; h++)
                {
                    moments[h].AsSpan(0, q).CopyTo(beta);
                    RidgeSolver.SolveCholesky(factor, q, beta);
                    double quadratic = 0;
                    for (int i = 0; i < q; i++)
                    {
                        quadratic += beta[i] * RidgeSolver.Dot(subValidation.AsSpan(i * q, q), beta);
                    }

                    double mse = Math.Max(0, targetSquares[h] - 2 * RidgeSolver.Dot(beta, momentsValidation[h].AsSpan(0, q)) + quadratic);
                    if (mse < best[h].Mse)
                    {
                        best[h] = (mse, lagCount, penalty, (double[])beta.Clone());
                    }
                }
            }
        }

        if (best.Any(b => b.Beta.Length == 0))
        {
            return null; // no penalty made the features' matrix positive definite
        }

        return new LinearForecaster([.. best.Select((b, i) => Fold(i + 1, b.Lags, b.Penalty, Math.Sqrt(b.Mse), b.Beta, targetMeans[i], featureMeans, featureScales))]);
    }

    // Back to sunspot numbers: β on standardised features becomes a coefficient per day read (the
    // means spread over their days) and an intercept.
    private static LinearLead Fold(int lead, int lags, double penalty, double rmse, double[] beta, double targetMean, double[] means, double[] scales)
    {
        var coefficients = new double[Math.Max(lags, LongMeanDays)];
        double intercept = targetMean;
        for (int j = 0; j < beta.Length; j++)
        {
            double weight = beta[j] / scales[j];
            intercept -= weight * means[j];
            switch (j)
            {
                case 0:
                    Spread(coefficients, ShortMeanDays, weight);
                    break;
                case 1:
                    Spread(coefficients, LongMeanDays, weight);
                    break;
                default:
                    coefficients[j - MeanFeatures] += weight;
                    break;
            }
        }

        return new LinearLead(lead, lags, penalty, rmse, intercept, coefficients);
    }

    private static void Spread(double[] coefficients, int days, double weight)
    {
        for (int k = 0; k < days; k++)
        {
            coefficients[k] += weight / days;
        }
    }

    // Feature columns for each row's issue day t: the 27-day mean, the 81-day mean, then day t, t-1, ...
    private static double[][] Columns(ReadOnlySpan<float> values, List<int> rows, int lags)
    {
        var columns = new double[MeanFeatures + lags][];
        for (int j = 0; j < columns.Length; j++)
        {
            columns[j] = new double[rows.Count];
        }

        for (int r = 0; r < rows.Count; r++)
        {
            int t = rows[r];
            double sum = 0;
            for (int k = 0; k < LongMeanDays; k++)
            {
                sum += values[t - k];
                if (k == ShortMeanDays - 1)
                {
                    columns[0][r] = sum / ShortMeanDays;
                }
            }

            columns[1][r] = sum / LongMeanDays;
            for (int k = 0; k < lags; k++)
            {
                columns[MeanFeatures + k][r] = values[t - k];
            }
        }

        return columns;
    }

    private static double[][] Targets(ReadOnlySpan<float> values, List<int> rows, int maxLead)
    {
        var targets = new double[maxLead][];
        for (int h = 0; h < maxLead; h++)
        {
            targets[h] = new double[rows.Count];
            for (int r = 0; r < rows.Count; r++)
            {
                targets[h][r] = values[rows[r] + h + 1];
            }
        }

        return targets;
    }

    private static (double Mean, double Scale) MeanAndScale(double[] column)
    {
        double mean = column.Average();
        double squares = 0;
        foreach (double x in column)
        {
            squares += (x - mean) * (x - mean);
        }

        double scale = Math.Sqrt(squares / column.Length);
        return (mean, scale > 1e-9 ? scale : 1);
    }

    private static void Standardise(double[] column, double mean, double scale)
    {
        for (int i = 0; i < column.Length; i++)
        {
            column[i] = (column[i] - mean) / scale;
        }
    }

    // ZᵀZ / n, full and row-major.
    private static double[] Gram(double[][] columns)
    {
        int p = columns.Length;
        int n = columns[0].Length;
        var gram = new double[p * p];
        Parallel.For(0, p, j =>
        {
            for (int k = 0; k <= j; k++)
            {
                double value = RidgeSolver.Dot(columns[j], columns[k]) / n;
                gram[j * p + k] = value;
                gram[k * p + j] = value;
            }
        });
        return gram;
    }

    // Zᵀy_h / n for each lead h.
    private static double[][] CrossMoments(double[][] columns, double[][] targets)
    {
        var moments = new double[targets.Length][];
        Parallel.For(0, targets.Length, h =>
        {
            moments[h] = [.. columns.Select(c => RidgeSolver.Dot(c, targets[h]) / c.Length)];
        });
        return moments;
    }

    private static double[] Leading(double[] matrix, int n, int q)
    {
        var sub = new double[q * q];
        for (int i = 0; i < q; i++)
        {
            matrix.AsSpan(i * n, q).CopyTo(sub.AsSpan(i * q, q));
        }

        return sub;
    }
}
