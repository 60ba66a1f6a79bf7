using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Models.Data;
using SunspotForecaster.Models.Forecasting;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Testing;
using SunspotForecaster.Testing.Azurite;
using SunspotForecaster.Testing.Http;

namespace SunspotForecaster.Functions.Tests;

/// <summary><c>GET /api/skill</c>, <c>health</c>'s live line and <c>models</c>' demotions, answered from the ledger and the aliases in storage.</summary>
[Collection(ServedAppCollection.Name)]
public sealed class SkillTests(ServedAppFixture app, AzuriteFixture azurite)
{
    [Fact]
    public async Task Skill_health_and_models_answer_from_the_scored_ledger()
    {
        // Promoted fifty days before the data's last day, which is "today".
        var clock = ShiftedClock.At(ServedAppFixture.LastDay.AddDays(-50));
        await using FunctionsServer server = await ServedAppFixture.StartAsync(azurite, clock: clock);
        IServiceProvider services = server.Services;
        await app.ServeTheForecasterAsync(services);
        clock.Advance(TimeSpan.FromDays(50));
        await ServedAppFixture.IngestAsync(services, app.DataFile);
        var ledger = services.GetRequiredService<ForecastLedger>();
        await ledger.EnsureCreatedAsync(CancellationToken.None);
        for (int d = 0; d < 5; d++)
        {
            DateOnly issue = ServedAppFixture.LastDay.AddDays(-40 + d);
            LedgerEntry[] entries = [.. Enumerable.Range(1, 30).Select(lead => new LedgerEntry(issue, issue.AddDays(lead), lead, "sunspots", 1, 100 + lead, 90, 120, 0.9, ForecastMethod.Model, issue.AddDays(-1), ObservationKind.Definitive, 100, 104,
                Quantiles: new ForecastQuantiles([90, 95, 100, 105, 110, 115, 120])))];
            Assert.True(await ledger.TryRecordDayAsync(entries, CancellationToken.None));
        }

        int scored = await services.GetRequiredService<LedgerService>().ScoreAsync(CancellationToken.None);
        ApiAnswer answer = await server.Client.GetAnswerAsync("api/skill?model=sunspots");
        JsonElement skill = answer.Json;

        Assert.Equal(5 * 30, scored);
        Assert.Equal(200, answer.Status);
        Assert.Equal(90, skill.GetProperty("windowDays").GetInt32());
        JsonElement[] lines = [.. skill.GetProperty("lines").EnumerateArray()];
        Assert.Equal(["1", "2-7", "8-30"], lines.Select(l => l.GetProperty("band").GetString()));
        Assert.Equal([5, 30, 115], lines.Select(l => l.GetProperty("count").GetInt32()));
        Assert.All(lines, l =>
        {
            Assert.Equal(1, l.GetProperty("version").GetInt32());
            foreach (string field in new[] { "rmse", "persistenceRmse", "rotationMeanRmse", "skillVsPersistence", "skillVsRotationMean", "coverage", "crps", "intervalScore" })
            {
                Assert.True(double.IsFinite(l.GetProperty(field).GetDouble()), field);
            }
        });
        Assert.Equal(5 * 7, skill.GetProperty("championTest").GetProperty("count").GetInt32());

        JsonElement health = (await server.Client.GetAnswerAsync("api/health")).Json;
        Assert.Equal(3, health.GetProperty("models").GetProperty("sunspots").GetProperty("live").GetArrayLength());
        JsonElement models = (await server.Client.GetAnswerAsync("api/models")).Json;
        Assert.Equal(0, models.GetProperty("demotions").GetArrayLength());
        Assert.Equal(404, (await server.Client.GetAnswerAsync("api/skill?model=cars")).Status);
        string page = (await server.Client.GetAnswerAsync("api/dashboard")).Body;
        Assert.Contains("<table id=\"skill\">", page);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(page[page.IndexOf("<table id=\"skill\">", StringComparison.Ordinal)..], "<tr><th scope=\"row\">1</th>").Count);
    }
}
