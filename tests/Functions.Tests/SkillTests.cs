using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using SunspotForecaster.Core.Data;
using SunspotForecaster.Core.Forecasting;
using SunspotForecaster.Core.Pipeline;
using SunspotForecaster.Core.Storage;
using SunspotForecaster.Functions.Http;
using SunspotForecaster.Tests;
using SunspotForecaster.Tests.Azurite;

namespace SunspotForecaster.Functions.Tests;

/// <summary><c>GET /api/skill</c>, <c>health</c>'s live line and <c>models</c>' demotions, answered from the ledger and the aliases in storage.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SkillTests(ServedAppFixture app, AzuriteFixture azurite) : IClassFixture<ServedAppFixture>
{
    private static async Task<(int Status, JsonElement Json)> Call(Func<HttpRequest, Task<IActionResult>> function, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        var result = (ObjectResult)await function(context.Request);
        return (result.StatusCode ?? 200, JsonSerializer.SerializeToElement(result.Value, JsonBody.Options));
    }

    [Fact]
    public async Task Skill_health_and_models_answer_from_the_scored_ledger()
    {
        // Promoted fifty days before the data's last day, which is "today".
        var clock = ShiftedClock.At(ServedAppFixture.LastDay.AddDays(-50));
        await using ServiceProvider services = ServedAppFixture.Compose(azurite, clock: clock);
        await app.ServeTheForecasterAsync(services);
        clock.Advance(TimeSpan.FromDays(50));
        string file = Path.Combine(Path.GetTempPath(), $"sidc-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, app.DataFile);
        await services.GetRequiredService<IngestService>().IngestAsync(file, CancellationToken.None);
        var ledger = services.GetRequiredService<ForecastLedger>();
        await ledger.EnsureCreatedAsync(CancellationToken.None);
        for (int d = 0; d < 5; d++)
        {
            DateOnly issue = ServedAppFixture.LastDay.AddDays(-40 + d);
            LedgerEntry[] entries = [.. Enumerable.Range(1, 30).Select(lead => new LedgerEntry(issue, issue.AddDays(lead), lead, "sunspots", 1, 100 + lead, 90, 120, 0.9, ForecastMethod.Model, issue.AddDays(-1), ObservationKind.Definitive, 100, 104))];
            Assert.True(await ledger.TryRecordDayAsync(entries, CancellationToken.None));
        }

        int scored = await services.GetRequiredService<LedgerService>().ScoreAsync(CancellationToken.None);
        (int status, JsonElement skill) = await Call(r => services.GetRequiredService<GetSkill>().Run(r, CancellationToken.None), "?model=sunspots");

        Assert.Equal(5 * 30, scored);
        Assert.Equal(200, status);
        Assert.Equal(90, skill.GetProperty("windowDays").GetInt32());
        JsonElement[] lines = [.. skill.GetProperty("lines").EnumerateArray()];
        Assert.Equal(["1", "2-7", "8-30"], lines.Select(l => l.GetProperty("band").GetString()));
        Assert.Equal([5, 30, 115], lines.Select(l => l.GetProperty("count").GetInt32()));
        Assert.All(lines, l =>
        {
            Assert.Equal(1, l.GetProperty("version").GetInt32());
            foreach (string field in new[] { "rmse", "persistenceRmse", "rotationMeanRmse", "skillVsPersistence", "skillVsRotationMean", "coverage" })
            {
                Assert.True(double.IsFinite(l.GetProperty(field).GetDouble()), field);
            }
        });
        Assert.Equal(5 * 7, skill.GetProperty("championTest").GetProperty("count").GetInt32());

        (_, JsonElement health) = await Call(r => services.GetRequiredService<Health>().Run(r, CancellationToken.None));
        Assert.Equal(3, health.GetProperty("models").GetProperty("sunspots").GetProperty("live").GetArrayLength());
        (_, JsonElement models) = await Call(r => services.GetRequiredService<ListModels>().Run(r, CancellationToken.None));
        Assert.Equal(0, models.GetProperty("demotions").GetArrayLength());
        Assert.Equal(404, (await Call(r => services.GetRequiredService<GetSkill>().Run(r, CancellationToken.None), "?model=cars")).Status);
    }
}
