namespace SunspotForecaster.Models.Evaluation;

/// <summary>
/// Skill from scored forecasts: per lead band and model version, and the test that decides a
/// demotion. Pure arithmetic over <see cref="ScoredForecast"/>s, the same for the ledger and for
/// <c>sunspots replay</c>.
/// </summary>
public static class LiveSkill
{
    /// <summary>The lead bands of the skill table: next day, the rest of the week, the rest of the month.</summary>
    public static IReadOnlyList<(string Name, int First, int Last)> Bands { get; } = [("1", 1, 1), ("2-7", 2, 7), ("8-30", 8, 30)];

    /// <summary>The leads the demotion rule watches.</summary>
    public const int DemotionLastLead = 7;

    /// <summary>One line per (version, band) that has scored forecasts, by version then band.</summary>
    public static IReadOnlyList<SkillLine> Lines(IEnumerable<ScoredForecast> scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var lines = new List<SkillLine>();
        foreach (IGrouping<int, ScoredForecast> version in scored.GroupBy(s => s.Version).OrderBy(g => g.Key))
        {
            foreach ((string name, int first, int last) in Bands)
            {
                ScoredForecast[] band = [.. version.Where(s => s.Lead >= first && s.Lead <= last)];
                if (band.Length == 0)
                {
                    continue;
                }

                double rmse = Rmse(band, s => s.Value);
                double persistence = Rmse(band, s => s.Persistence);
                double rotation = Rmse(band, s => s.RotationMean);
                ScoredForecast[] withInterval = [.. band.Where(s => s.Lower is not null && s.Upper is not null)];
                QuantileScores? scores = QuantileScores.Of(band.Where(s => s.Quantiles is not null).Select(s => (s.Quantiles!, s.Observed)));
                lines.Add(new SkillLine(
                    version.Key,
                    name,
                    band.Length,
                    rmse,
                    persistence,
                    rotation,
                    persistence > 0 ? 1 - rmse / persistence : 0,
                    rotation > 0 ? 1 - rmse / rotation : 0,
                    withInterval.Length == 0 ? null : withInterval.Count(s => s.Observed >= s.Lower && s.Observed <= s.Upper) / (double)withInterval.Length,
                    scores?.Crps,
                    scores?.IntervalScore));
            }
        }

        return lines;
    }

    /// <summary>
    /// Diebold–Mariano test of the model against persistence at leads 1–7: the loss differential
    /// (squared error of the model minus that of persistence) averaged per issue day, its long-run
    /// variance by Newey–West with 6 lags (forecasts up to 7 days ahead overlap for 6 days), the
    /// Harvey–Leybourne–Newbold small-sample correction, and a one-sided normal p-value. Null when
    /// nothing at those leads is scored: there is nothing to test (and no RMSE to report).
    /// </summary>
    public static DemotionTest? AgainstPersistence(IEnumerable<ScoredForecast> scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        ScoredForecast[] rows = [.. scored.Where(s => s.Lead <= DemotionLastLead)];
        double[] daily = [.. rows.GroupBy(s => s.IssueDate).OrderBy(g => g.Key)
            .Select(g => g.Average(s => Square(s.Observed - s.Value) - Square(s.Observed - s.Persistence)))];
        int days = daily.Length;
        if (rows.Length == 0)
        {
            return null;
        }

        double modelRmse = Rmse(rows, s => s.Value);
        double persistenceRmse = Rmse(rows, s => s.Persistence);
        if (days < 2)
        {
            return new DemotionTest(rows.Length, days, modelRmse, persistenceRmse, 0, 1);
        }

        double mean = daily.Average();
        int lags = Math.Min(DemotionLastLead - 1, days - 1);
        double variance = AutoCovariance(daily, mean, 0);
        for (int k = 1; k <= lags; k++)
        {
            variance += 2 * (1 - k / (double)(lags + 1)) * AutoCovariance(daily, mean, k);
        }

        if (!(variance > 0))
        {
            variance = AutoCovariance(daily, mean, 0);
        }

        if (!(variance > 0))
        {
            return new DemotionTest(rows.Length, days, modelRmse, persistenceRmse, 0, mean > 0 ? 0 : 1);
        }

        int h = DemotionLastLead;
        double correction = Math.Sqrt(Math.Max(0, (days + 1 - 2 * h + h * (h - 1) / (double)days) / days));
        double statistic = mean / Math.Sqrt(variance / days) * correction;
        return new DemotionTest(rows.Length, days, modelRmse, persistenceRmse, statistic, 1 - NormalCdf(statistic));
    }

    /// <summary>The root mean squared error of <paramref name="forecast"/> over <paramref name="rows"/> (at least one).</summary>
    public static double Rmse(IReadOnlyCollection<ScoredForecast> rows, Func<ScoredForecast, float> forecast) =>
        Math.Sqrt(rows.Average(s => Square(s.Observed - forecast(s))));

    private static double Square(double x) => x * x;

    private static double AutoCovariance(double[] series, double mean, int lag)
    {
        double sum = 0;
        for (int t = lag; t < series.Length; t++)
        {
            sum += (series[t] - mean) * (series[t - lag] - mean);
        }

        return sum / series.Length;
    }

    // Φ(x) through erf, Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).
    private static double NormalCdf(double x)
    {
        double z = Math.Abs(x) / Math.Sqrt(2);
        double t = 1 / (1 + 0.3275911 * z);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-z * z);
        return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}
