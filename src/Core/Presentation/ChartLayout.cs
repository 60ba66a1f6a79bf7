namespace SunspotForecaster.Core.Presentation;

/// <summary>
/// The size a chart is drawn at and its text sizes, in SVG pixels. A browser scales the picture to
/// the width it shows it at, text too: a phone shows a chart about 360 px wide, so the compact
/// layout is drawn narrow with large text, to read at 10 px or more there.
/// </summary>
/// <param name="TextSize">Ticks, axis labels, the legend and the "today" label.</param>
/// <param name="Narrow">A short title, short dates, and the credit over two lines.</param>
public sealed record ChartLayout(int Width, int Height, float TextSize, float TitleSize, bool Narrow)
{
    /// <summary>For a desktop's column (shown at up to its width) and the SVG alone.</summary>
    public static readonly ChartLayout Wide = new(960, 440, 14, 18, Narrow: false);

    /// <summary>For screens up to 48rem wide: shown at 0.68 of its size on a 360 px phone, the text at 10.2 px.</summary>
    public static readonly ChartLayout Compact = new(480, 460, 15, 16, Narrow: true);
}
