using System.Globalization;
using System.Text.RegularExpressions;
using ScottPlot;

namespace T5Sharp.Plotting;

/// <summary>
/// A ScottPlot <see cref="Plot"/> as an SVG element to inline into an HTML page (or to write beside a Markdown file).
/// Plotting is a leaf folder: it uses ScottPlot (SkiaSharp's SVG canvas) and nothing of T5Sharp, so any layer may draw.
/// Every series of a figure is drawn by ScottPlot into its own clip group: a line path (M…L… vertices) and, when markers
/// are on, one &lt;ellipse&gt; per point — which is what the tests count.
/// </summary>
public static partial class SvgFigure
{
    public const int Width = 640, Height = 340;

    /// <summary>The colour of series <paramref name="index"/> (matplotlib's tab10, as TensorBoard and HF plots look).</summary>
    public static Color SeriesColor(int index) => new ScottPlot.Palettes.Category10().GetColor(index);

    /// <summary>
    /// Renders <paramref name="plot"/> as an &lt;svg&gt; element. Every id is prefixed with <paramref name="idPrefix"/>:
    /// several figures inlined in one page share one id namespace, and ScottPlot numbers its clip paths from 1 in each.
    /// </summary>
    public static string Render(Plot plot, string idPrefix, string label, int width = Width, int height = Height)
    {
        string svg = plot.GetSvgXml(width, height);
        svg = XmlDeclaration().Replace(svg, "");
        svg = IdAttribute().Replace(svg, m => $"id=\"{idPrefix}-{m.Groups[1].Value}\"");
        svg = IdReference().Replace(svg, m => $"url(#{idPrefix}-{m.Groups[1].Value})");
        // Skia writes per-glyph position lists with a trailing separator ("0, 5.7, "), which browsers reject as an
        // invalid length list (a console error) — drop it.
        svg = TrailingListSeparator().Replace(svg, "$1\"");
        string attributes = $" class=\"plot\" role=\"img\" aria-label=\"{System.Net.WebUtility.HtmlEncode(label)}\" " +
                            $"viewBox=\"0 0 {width.ToString(CultureInfo.InvariantCulture)} {height.ToString(CultureInfo.InvariantCulture)}\"";
        int open = svg.IndexOf("<svg", StringComparison.Ordinal);
        return svg[open..].Insert(4, attributes).Trim() + "\n";
    }

    /// <summary>
    /// <paramref name="svg"/> (from <see cref="Render"/>) for inlining into an HTML page that references nothing: HTML
    /// gives inline &lt;svg&gt; its namespace, so the xmlns URIs go; the clip paths go too (they are referenced as
    /// url(#id), and the axis limits already hold every point), keeping each series' &lt;g&gt; group.
    /// </summary>
    public static string Inline(string svg)
    {
        svg = NamespaceAttribute().Replace(svg, "");
        svg = ClipPathElement().Replace(svg, "");
        return ClipPathAttribute().Replace(svg, "");
    }

    /// <summary>A plot with the house look: title and axis labels (callers add the legend).</summary>
    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, size: 15);
        plot.XLabel(xLabel, size: 12);
        plot.YLabel(yLabel, size: 12);
        return plot;
    }

    [GeneratedRegex(@"\s+xmlns(:\w+)?=""[^""]*""")] private static partial Regex NamespaceAttribute();
    [GeneratedRegex(@"\s*<clipPath\b.*?</clipPath>", RegexOptions.Singleline)] private static partial Regex ClipPathElement();
    [GeneratedRegex(@"\s+clip-path=""[^""]*""")] private static partial Regex ClipPathAttribute();
    [GeneratedRegex(@"<\?xml[^>]*\?>\s*")] private static partial Regex XmlDeclaration();
    [GeneratedRegex("id=\"([^\"]+)\"")] private static partial Regex IdAttribute();
    [GeneratedRegex(@"url\(#([^)]+)\)")] private static partial Regex IdReference();
    [GeneratedRegex(@"(=""[-0-9., e]*?\d),\s*""")] private static partial Regex TrailingListSeparator();
}
