namespace SunspotForecaster.Models.Series;

/// <summary>An inclusive range of calendar days.</summary>
public readonly record struct DateRange(DateOnly Start, DateOnly End)
{
    public int Days => End < Start ? 0 : End.DayNumber - Start.DayNumber + 1;

    public bool Contains(DateOnly date) => date >= Start && date <= End;

    public override string ToString() => $"{Start:yyyy-MM-dd}..{End:yyyy-MM-dd}";
}
