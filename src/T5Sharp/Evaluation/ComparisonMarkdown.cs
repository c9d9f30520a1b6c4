using System.Text;

namespace T5Sharp.Evaluation;

/// <summary>Renders a <see cref="ComparisonReport"/> as GitHub-flavoured Markdown.</summary>
internal static class ComparisonMarkdown
{
    /// <param name="plotsDir">Where the figures' SVG files lie, relative to the Markdown file (null: no figures).</param>
    public static string Render(ComparisonReport report, IReadOnlyList<ComparisonPlots.Figure>? figures = null, string? plotsDir = null)
    {
        var md = new StringBuilder();
        int count = report.Baseline.Result.Examples.Count;
        md.AppendLine("# Model comparison").AppendLine();
        md.AppendLine($"{count} examples, {report.Systems.Count} systems; baseline: **{Cell(report.Baseline.Name)}**. " +
                      "ROUGE intervals: rouge_score bootstrap (1000 resamples, 95%), shown as [low, high].").AppendLine();

        md.AppendLine("## Scores").AppendLine();
        md.AppendLine("| System | " + string.Join(" | ", report.MetricNames) + " | examples/s |");
        md.AppendLine("|---|" + string.Concat(report.MetricNames.Select(_ => "---:|")) + "---:|");
        foreach (var system in report.Systems)
        {
            var summary = system.Result.Summary;
            var cells = report.MetricNames.Select(m => ScoreCell(report, summary, m));
            md.AppendLine($"| {Cell(system.Name)} | {string.Join(" | ", cells)} | {Speed(summary)} |");
        }
        md.AppendLine();

        if (report.Systems.Count > 1)
        {
            md.AppendLine($"## Change vs {Cell(report.Baseline.Name)}").AppendLine();
            md.AppendLine("| System | " + string.Join(" | ", report.MetricNames) + " |");
            md.AppendLine("|---|" + string.Concat(report.MetricNames.Select(_ => "---:|")));
            foreach (var system in report.Systems.Skip(1))
            {
                var cells = report.MetricNames.Select(m =>
                    report.Delta(system, m) is { } d ? report.FormatDelta(m, d) : "–");
                md.AppendLine($"| {Cell(system.Name)} | {string.Join(" | ", cells)} |");
            }
            md.AppendLine();
        }

        if (figures is { Count: > 0 } && plotsDir is not null)
        {
            md.AppendLine("## Plots").AppendLine();
            foreach (var figure in figures) md.AppendLine($"![{figure.Title}]({plotsDir}/{figure.Stem}.svg)").AppendLine();
        }

        md.AppendLine("## Examples").AppendLine();
        foreach (int index in report.SampledExamples)
        {
            var example = report.Baseline.Result.Examples[index];
            md.AppendLine($"### Example {index}").AppendLine();
            if (example.Source.Length > 0) md.AppendLine("**Source:** " + Cell(example.Source)).AppendLine();
            md.AppendLine("| | Text | Scores |").AppendLine("|---|---|---|");
            for (int r = 0; r < example.References.Count; r++)
                md.AppendLine($"| Human{(example.References.Count > 1 ? $" {r + 1}" : "")} | {Cell(example.References[r])} | |");
            foreach (var system in report.Systems)
            {
                var e = system.Result.Examples[index];
                md.AppendLine($"| {Cell(system.Name)} | {Cell(e.Prediction)} | {ExampleScores(report, e)} |");
            }
            md.AppendLine();
        }
        return md.ToString();
    }

    static string ScoreCell(ComparisonReport report, MetricsSummary summary, string metric)
    {
        if (!summary.Metrics.TryGetValue(metric, out var value)) return "–";
        string text = report.Format(metric, value);
        return summary.Intervals.TryGetValue(metric, out var ci)
            ? $"{text} [{report.Format(metric, ci.Low)}, {report.Format(metric, ci.High)}]"
            : text;
    }

    internal static string Speed(MetricsSummary summary) =>
        summary.ExamplesPerSecond > 0 ? summary.ExamplesPerSecond.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "–";

    internal static string ExampleScores(ComparisonReport report, EvaluationExample example) =>
        string.Join(", ", example.Scores.Select(s => $"{s.Key} {report.Format(s.Key, s.Value)}"));

    /// <summary>Text safe inside a table cell: HTML specials escaped (Markdown renders inline HTML), pipes escaped,
    /// line breaks as &lt;br&gt;.</summary>
    static string Cell(string text)
    {
        if (text.Length == 0) return "*(empty)*";
        var sb = new StringBuilder(text.Length);
        foreach (char c in text.Replace("\r\n", "\n"))
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '|' => "\\|",
                '\n' or '\r' => "<br>",
                _ => c.ToString(),
            });
        return sb.ToString();
    }
}
