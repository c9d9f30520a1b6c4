using ScottPlot;
using T5Sharp.Plotting;

namespace T5Sharp.Evaluation;

/// <summary>
/// The figures of a <see cref="ComparisonReport"/>, as inline SVG: per corpus metric, each system's value with its
/// bootstrap interval (error bars; a bare point where the metric has none); the distribution of output lengths (words)
/// of every system against the human references; and per example, the score of the baseline against each other
/// system (points above the diagonal: that system did better on that example).
/// </summary>
public static class ComparisonPlots
{
    /// <summary>One figure: its title, file-name stem, SVG, and per series its name and point count (drawing order).</summary>
    public sealed record Figure(string Title, string Stem, string Svg, IReadOnlyList<(string Name, int Points)> Series);

    public const string ReferencesName = "references";

    public static IReadOnlyList<Figure> Create(ComparisonReport report)
    {
        var figures = report.MetricNames.Select(m => Interval(report, m)).ToList();
        figures.Add(Lengths(report));
        if (report.Systems.Count > 1 && ScatterMetric(report) is { } metric) figures.Add(Scatter(report, metric));
        return figures;
    }

    static Figure Interval(ComparisonReport report, string metric)
    {
        string title = $"{metric} per system";
        var plot = SvgFigure.Create(title, "", metric);
        var series = new List<(string, int)>();
        for (int s = 0; s < report.Systems.Count; s++)
        {
            var summary = report.Systems[s].Result.Summary;
            if (!summary.Metrics.TryGetValue(metric, out double value)) continue;
            var color = SvgFigure.SeriesColor(s);
            if (summary.Intervals.TryGetValue(metric, out var ci))
            {
                var bar = plot.Add.ErrorBar(new[] { s + 1.0 }, new[] { value }, new[] { 0.0 });
                bar.YErrorNegative = [value - ci.Low];
                bar.YErrorPositive = [ci.High - value];
                bar.Color = color;
                bar.LineWidth = 2;
                bar.CapSize = 10;
            }
            var point = plot.Add.ScatterPoints(new[] { s + 1.0 }, new[] { value }, color);
            point.MarkerSize = 10;
            series.Add((report.Systems[s].Name, 1));
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(1, report.Systems.Count).Select(i => (double)i).ToArray(),
            report.Systems.Select(s => s.Name).ToArray());
        plot.Axes.SetLimitsX(0.5, report.Systems.Count + 0.5);
        string stem = "interval-" + metric;
        return new Figure(title, stem, SvgFigure.Render(plot, stem, title + " with bootstrap interval"), series);
    }

    /// <summary>Output lengths in words, as a frequency polygon per system and for the references (one point per bin).</summary>
    static Figure Lengths(ComparisonReport report)
    {
        const string title = "Output length (words)";
        var groups = new List<(string Name, int[] Lengths)>
        {
            (ReferencesName, report.Baseline.Result.Examples.SelectMany(e => e.References).Select(Words).ToArray()),
        };
        groups.AddRange(report.Systems.Select(s => (s.Name, s.Result.Examples.Select(e => Words(e.Prediction)).ToArray())));
        int max = Math.Max(1, groups.Max(g => g.Lengths.DefaultIfEmpty(0).Max()));
        int width = Math.Max(1, (int)Math.Ceiling((max + 1) / 20.0)); // at most ~20 bins
        int bins = max / width + 1;
        var plot = SvgFigure.Create(title, "words", "share of outputs (%)");
        var series = new List<(string, int)>();
        for (int g = 0; g < groups.Count; g++)
        {
            var counts = new double[bins];
            foreach (int length in groups[g].Lengths) counts[length / width]++;
            double total = Math.Max(1, groups[g].Lengths.Length);
            var xs = Enumerable.Range(0, bins).Select(b => b * width + (width - 1) / 2.0).ToArray();
            // the references in black, the systems in their colours of the other figures
            var line = plot.Add.Scatter(xs, counts.Select(c => 100 * c / total).ToArray(), g == 0 ? Colors.Black : SvgFigure.SeriesColor(g - 1));
            line.LegendText = groups[g].Name;
            line.MarkerSize = 5;
            line.LineWidth = g == 0 ? 2.5f : 1.5f;
            series.Add((groups[g].Name, bins));
        }
        plot.ShowLegend();
        return new Figure(title, "lengths", SvgFigure.Render(plot, "lengths", "Output length distributions"), series);
    }

    /// <summary>The per-example score the scatter uses: rougeL (or rougeLsum, rouge1, then any) when every system has it.</summary>
    static string? ScatterMetric(ComparisonReport report)
    {
        var common = report.Systems.Select(s => s.Result.Examples.FirstOrDefault()?.Scores.Keys ?? Enumerable.Empty<string>())
            .Aggregate((a, b) => a.Intersect(b)).ToList();
        return new[] { "rougeL", "rougeLsum", "rouge1" }.FirstOrDefault(common.Contains) ?? common.FirstOrDefault();
    }

    static Figure Scatter(ComparisonReport report, string metric)
    {
        string title = $"Per-example {metric}: {report.Baseline.Name} vs the others";
        var plot = SvgFigure.Create(title, $"{report.Baseline.Name} {metric}", $"{metric} of the other system");
        var baseline = report.Baseline.Result.Examples.Select(e => e.Scores[metric]).ToArray();
        double top = baseline.DefaultIfEmpty(0).Max();
        var series = new List<(string, int)>();
        for (int s = 1; s < report.Systems.Count; s++)
        {
            var ys = report.Systems[s].Result.Examples.Select(e => e.Scores[metric]).ToArray();
            top = Math.Max(top, ys.DefaultIfEmpty(0).Max());
            var points = plot.Add.ScatterPoints(baseline, ys, SvgFigure.SeriesColor(s));
            points.MarkerSize = 6;
            points.LegendText = report.Systems[s].Name;
            series.Add((report.Systems[s].Name, ys.Length));
        }
        double limit = top > 1 ? 100 : 1; // 0–1 or 0–100 scale
        // solid: Skia writes a dashed line as one path segment per dash
        plot.Add.ScatterLine(new[] { 0.0, limit }, new[] { 0.0, limit }, Colors.Gray);
        plot.Axes.SetLimits(0, limit, 0, limit);
        plot.ShowLegend();
        return new Figure(title, "scatter-" + metric, SvgFigure.Render(plot, "scatter", title), series);
    }

    static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
