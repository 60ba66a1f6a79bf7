namespace SunspotForecaster.Testing;

/// <summary>
/// A clock that says the day a test wants while time still flows: the real time shifted to start
/// at <c>startAt</c>. Caches and refresh intervals behave as in production; "today" is the test's.
/// </summary>
public sealed class ShiftedClock(DateTimeOffset startAt) : TimeProvider
{
    private TimeSpan _offset = startAt - System.GetUtcNow();

    public static ShiftedClock At(DateOnly day, int hour = 12) => new(new DateTimeOffset(day.ToDateTime(new TimeOnly(hour, 0)), TimeSpan.Zero));

    public DateOnly Today => DateOnly.FromDateTime(GetUtcNow().UtcDateTime);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;

    /// <summary>Moves the clock on, e.g. to the next day.</summary>
    public void Advance(TimeSpan by) => _offset += by;
}
