using SunspotForecaster.Models.Regression;

namespace SunspotForecaster.Models.Tests.Regression;

public class LinearForecasterTests
{
    private const int TrainDays = 6000;
    private const int ValidationDays = 2000;
    private const int TestDays = 1000;

    private static readonly (int Start, int End) Train = (0, TrainDays - 1);
    private static readonly (int Start, int End) Validation = (TrainDays, TrainDays + ValidationDays - 1);

    // v[t+1] = intercept + Σ a[k] v[t-k] + uniform noise of ±5, started at the process mean.
    private static float[] Process(double intercept, IReadOnlyDictionary<int, double> coefficients, int seed = 1, int days = TrainDays + ValidationDays + TestDays)
    {
        var random = new Random(seed);
        double mean = intercept / (1 - coefficients.Values.Sum());
        int burnIn = coefficients.Keys.Max() + 1;
        var values = new double[days + burnIn];
        Array.Fill(values, mean);
        for (int t = burnIn; t < values.Length; t++)
        {
            values[t] = intercept + coefficients.Sum(c => c.Value * values[t - 1 - c.Key]) + (random.NextDouble() - 0.5) * 10;
        }

        return [.. values.Skip(burnIn).Select(v => (float)v)];
    }

    [Fact]
    public void Each_lead_recovers_the_coefficients_of_a_linear_process()
    {
        // AR(3): lead 1 is the process itself; lead 2 iterates it once
        // (0.5² + 0.2, 0.5·0.2 + 0.1, 0.5·0.1 on the last three days).
        float[] values = Process(20, new Dictionary<int, double> { [0] = 0.5, [1] = 0.2, [2] = 0.1 });

        LinearForecaster linear = LinearForecaster.Fit(values, Train, Validation, [27], [1e-6], maxLead: 2)!;

        double[] lead1 = linear.Leads[0].Coefficients;
        double[] lead2 = linear.Leads[1].Coefficients;
        Assert.Equal(LinearForecaster.LongMeanDays, lead1.Length);
        double[] expected1 = [0.5, 0.2, 0.1];
        double[] expected2 = [0.45, 0.2, 0.05];
        for (int k = 0; k < lead1.Length; k++)
        {
            Assert.True(Math.Abs((k < 3 ? expected1[k] : 0) - lead1[k]) < 0.05, $"lead 1, day {k}: {lead1[k]}");
            Assert.True(Math.Abs((k < 3 ? expected2[k] : 0) - lead2[k]) < 0.05, $"lead 2, day {k}: {lead2[k]}");
        }

        // Intercepts: 20, and 20 · (1 + 0.5) for lead 2, up to the coefficients' errors times the level (100).
        Assert.True(Math.Abs(linear.Leads[0].Intercept - 20) < 5, $"{linear.Leads[0].Intercept}");
        Assert.True(Math.Abs(linear.Leads[1].Intercept - 30) < 5, $"{linear.Leads[1].Intercept}");
    }

    [Fact]
    public void The_lags_are_chosen_by_the_error_on_the_validation_years()
    {
        // The day 60 days back matters: 27 lags cannot see it, 81 can.
        float[] values = Process(20, new Dictionary<int, double> { [0] = 0.4, [59] = 0.4 });

        LinearForecaster linear = LinearForecaster.Fit(values, Train, Validation, [27, 81], [1e-3, 1], maxLead: 3)!;

        Assert.Equal(81, linear.Leads[0].Lags);
        foreach (LinearLead lead in linear.Leads)
        {
            // Each candidate alone: the chosen one has the lowest validation RMSE, and that RMSE is
            // the forecast's own on the validation years' issue days.
            double[] candidates = [.. new[] { 27, 81 }.SelectMany(lags => new[] { 1e-3, 1 }.Select(penalty =>
                LinearForecaster.Fit(values, Train, Validation, [lags], [penalty], maxLead: 3)!.Leads[lead.Lead - 1].ValidationRmse))];
            Assert.Equal(candidates.Min(), lead.ValidationRmse, 1e-9);
            Assert.Equal(ValidationRmse(values, lead, 81), lead.ValidationRmse, 1e-4 * lead.ValidationRmse);
        }
    }

    [Fact]
    public void Nothing_after_the_validation_years_is_read()
    {
        float[] values = Process(20, new Dictionary<int, double> { [0] = 0.6, [6] = 0.2 });
        float[] otherTest = [.. values];
        for (int t = Validation.End + 1; t < otherTest.Length; t++)
        {
            otherTest[t] = t % 3 == 0 ? float.NaN : 1e6f;
        }

        LinearForecaster a = LinearForecaster.Fit(values, Train, Validation, LinearForecaster.DefaultLags, LinearForecaster.DefaultPenalties, maxLead: 60)!;
        LinearForecaster b = LinearForecaster.Fit(otherTest, Train, Validation, LinearForecaster.DefaultLags, LinearForecaster.DefaultPenalties, maxLead: 60)!;

        Assert.All(Enumerable.Range(0, 60), i =>
        {
            Assert.Equal(a.Leads[i] with { Coefficients = [] }, b.Leads[i] with { Coefficients = [] });
            Assert.Equal(a.Leads[i].Coefficients, b.Leads[i].Coefficients);
        });
    }

    [Fact]
    public void Years_too_short_for_the_lags_give_no_linear_model()
    {
        float[] values = Process(20, new Dictionary<int, double> { [0] = 0.5 }, days: 700);

        Assert.Null(LinearForecaster.Fit(values, (0, 399), (400, 699), [180], [1], maxLead: 60));
    }

    [Fact]
    public void Unusable_leads_are_refused_with_the_reason()
    {
        var error = Assert.Throws<ArgumentException>(() => new LinearForecaster([new LinearLead(1, 2, 1, 1, 0, [1, double.NaN])]));
        Assert.Contains("lead 1", error.Message);
        Assert.Contains("not a finite number", error.Message);
        Assert.Throws<ArgumentException>(() => new LinearForecaster([new LinearLead(2, 1, 1, 1, 0, [1])]));
    }

    // The RMSE of the lead's forecasts from the issue days whose targets 1..3 lie in the validation years.
    private static double ValidationRmse(float[] values, LinearLead lead, int days)
    {
        double squared = 0;
        int count = 0;
        for (int t = Validation.Start - 1; t <= Validation.End - 3; t++)
        {
            double error = values[t + lead.Lead] - lead.Predict(values.AsSpan(t - days + 1, days));
            squared += error * error;
            count++;
        }

        return Math.Sqrt(squared / count);
    }
}
