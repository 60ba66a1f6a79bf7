using SunspotForecaster.Core.Storage;
using SunspotForecaster.Models.Training;

namespace SunspotForecaster.Core.Tests.Storage;

public class RetrainRequestTests
{
    [Fact]
    public void A_message_round_trips_in_the_contracts_shape()
    {
        var request = new RetrainRequest("sunspots", "SN_d_tot_V2.0/2026-01-31_abc.csv", "abc", "new-data", new DateTimeOffset(2026, 2, 1, 6, 15, 0, TimeSpan.Zero));

        string json = request.ToJson();

        Assert.Equal("""{"model":"sunspots","dataBlob":"SN_d_tot_V2.0/2026-01-31_abc.csv","dataSha256":"abc","reason":"new-data","requestedAt":"2026-02-01T06:15:00+00:00"}""", json);
        Assert.Equal(request, RetrainRequest.Parse(json));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"model":"unicorns","reason":"manual","requestedAt":"2026-02-01T00:00:00Z"}""", "model 'unicorns'")]
    [InlineData("""{"model":"cars","reason":"because","requestedAt":"2026-02-01T00:00:00Z"}""", "reason 'because'")]
    [InlineData("""{"model":"sunspots","reason":"manual","requestedAt":"2026-02-01T00:00:00Z"}""", "needs 'dataBlob' and 'dataSha256'")]
    public void A_message_that_can_never_succeed_is_refused_saying_why(string json, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => RetrainRequest.Parse(json));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_settings_fingerprint_changes_with_what_decides_the_weights_and_not_with_the_budget()
    {
        var options = new ForecasterRecipe();

        Assert.Equal(options.Fingerprint(), (options with { Budget = TimeSpan.FromMinutes(5) }).Fingerprint());
        Assert.NotEqual(options.Fingerprint(), (options with { Seed = 1 }).Fingerprint());
        Assert.NotEqual(options.Fingerprint(), (options with { Window = 31 }).Fingerprint());
        Assert.Equal(64, options.Fingerprint().Length);
    }
}
