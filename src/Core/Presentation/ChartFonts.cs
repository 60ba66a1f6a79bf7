using ScottPlot;
using SkiaSharp;

namespace SunspotForecaster.Core.Presentation;

/// <summary>
/// The charts' one typeface, DejaVu Sans, carried in the assembly: servers often have no fonts
/// (Azure Functions' Linux images among them) and a plot measured without a typeface draws no text.
/// </summary>
internal static class ChartFonts
{
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> Typeface = new(() =>
    {
        using Stream stream = typeof(ChartFonts).Assembly.GetManifestResourceStream("SunspotForecaster.Core.Presentation.Fonts.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("The chart font is missing from the assembly.");
        return SKTypeface.FromStream(stream);
    });

    private static readonly Lazy<bool> Registered = new(() =>
    {
        Fonts.FontResolvers.Insert(0, new Resolver());
        Fonts.Default = Family;
        return true;
    });

    /// <summary>Makes ScottPlot draw every text with the embedded typeface; safe to call from any thread, any number of times.</summary>
    public static void EnsureRegistered() => _ = Registered.Value;

    private sealed class Resolver : IFontResolver
    {
        // Bold and italic are drawn from the regular face: the SVG asks the browser for the weight.
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Family ? Typeface.Value : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            fontName == Family ? Typeface.Value : null;
    }
}
