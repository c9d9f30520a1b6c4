using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace T5Sharp.Tests.Reports;

/// <summary>
/// Reads the figures of a report page back from its HTML: each &lt;figure data-plot="stem"&gt; holds one &lt;svg&gt;,
/// parsed as XML. A series is a &lt;g&gt; group without text (the legend's group has text) holding either markers
/// (&lt;ellipse&gt;, counted by fill colour) or a line (a path's M/L vertices).
/// </summary>
internal static partial class SvgCount
{
    public static Dictionary<string, XElement> Figures(string html)
    {
        var figures = new Dictionary<string, XElement>();
        foreach (Match m in FigureElement().Matches(html))
        {
            Assert.Equal(1, Regex.Matches(m.Groups[2].Value, "<svg\\b").Count);
            figures.Add(m.Groups[1].Value, XElement.Parse(m.Groups[2].Value.Trim()));
        }
        return figures;
    }

    static IEnumerable<XElement> SeriesGroups(XElement svg) =>
        svg.Descendants().Where(e => e.Name.LocalName == "g" && !e.Descendants().Any(d => d.Name.LocalName == "text"));

    /// <summary>Marker counts per series, in drawing order (the groups that hold ellipses).</summary>
    public static List<int> Markers(XElement svg) => SeriesGroups(svg)
        .Select(g => g.Elements().Count(e => e.Name.LocalName == "ellipse")).Where(n => n > 0).ToList();

    /// <summary>Vertex counts of the line-only series (groups with one path and no markers), in drawing order.</summary>
    public static List<int> LineVertices(XElement svg) => SeriesGroups(svg)
        .Where(g => !g.Elements().Any(e => e.Name.LocalName == "ellipse"))
        .SelectMany(g => g.Elements().Where(e => e.Name.LocalName == "path"))
        .Select(p => Regex.Matches((string)p.Attribute("d")!, "[ML]").Count).ToList();

    [GeneratedRegex("<figure data-plot=\"([^\"]+)\">(.*?)</figure>", RegexOptions.Singleline)]
    private static partial Regex FigureElement();
}
