namespace T5Sharp.Reports;

/// <summary>
/// One figure of a report: its title, a file-name stem (plots/&lt;stem&gt;.svg beside report.md), the inline SVG, and
/// what it draws — one entry per series with its point count, in drawing order.
/// </summary>
public sealed record ReportPlot(string Title, string Stem, string Svg, IReadOnlyList<PlotSeries> Series);

/// <summary>A series of a <see cref="ReportPlot"/>: its legend name, how many points, and whether each point has a marker.</summary>
public sealed record PlotSeries(string Name, int Points, bool Markers);
