using System.Net;
using System.Text;

namespace T5Sharp.Evaluation;

/// <summary>
/// Renders a <see cref="ComparisonReport"/> as one self-contained HTML page: inline CSS, no scripts, no links to
/// anything outside the file, every text HTML-escaped (model outputs and data are untrusted).
/// </summary>
internal static class ComparisonHtml
{
    const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; line-height: 1.4; }
        table { border-collapse: collapse; margin: 1rem 0; }
        th, td { border: 1px solid #ccc; padding: .35rem .6rem; vertical-align: top; }
        th { background: #f3f3f3; text-align: left; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .ci { color: #777; font-size: .85em; }
        .up { color: #16702e; } .down { color: #b3261e; }
        .text { white-space: pre-wrap; }
        .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); gap: 1rem; }
        figure { margin: 0; border: 1px solid #e4e4e4; padding: .25rem; }
        svg.plot { width: 100%; height: auto; display: block; }
        section.example { border-top: 1px solid #ddd; margin-top: 1.5rem; }
        pre.source { white-space: pre-wrap; background: #fafafa; padding: .5rem; border: 1px solid #eee; }
        """;

    public static string Render(ComparisonReport report, IReadOnlyList<ComparisonPlots.Figure> figures)
    {
        var h = new StringBuilder();
        int count = report.Baseline.Result.Examples.Count;
        h.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.AppendLine("<title>Model comparison</title>").AppendLine($"<style>{Style}</style></head><body>");
        h.AppendLine("<h1>Model comparison</h1>");
        h.AppendLine($"<p>{count} examples, {report.Systems.Count} systems; baseline: <b>{E(report.Baseline.Name)}</b>. " +
                     "ROUGE intervals: rouge_score bootstrap (1000 resamples, 95%), shown as [low, high].</p>");

        h.AppendLine("<h2>Scores</h2><table><tr><th>System</th>");
        foreach (var m in report.MetricNames) h.Append($"<th>{E(m)}</th>");
        h.AppendLine("<th>examples/s</th></tr>");
        foreach (var system in report.Systems)
        {
            var summary = system.Result.Summary;
            h.Append($"<tr><th>{E(system.Name)}</th>");
            foreach (var m in report.MetricNames)
            {
                if (!summary.Metrics.TryGetValue(m, out var value)) { h.Append("<td class=\"num\">–</td>"); continue; }
                h.Append($"<td class=\"num\">{report.Format(m, value)}");
                if (summary.Intervals.TryGetValue(m, out var ci))
                    h.Append($"<br><span class=\"ci\">[{report.Format(m, ci.Low)}, {report.Format(m, ci.High)}]</span>");
                h.Append("</td>");
            }
            h.AppendLine($"<td class=\"num\">{ComparisonMarkdown.Speed(summary)}</td></tr>");
        }
        h.AppendLine("</table>");

        if (report.Systems.Count > 1)
        {
            h.AppendLine($"<h2>Change vs {E(report.Baseline.Name)}</h2><table><tr><th>System</th>");
            foreach (var m in report.MetricNames) h.Append($"<th>{E(m)}</th>");
            h.AppendLine("</tr>");
            foreach (var system in report.Systems.Skip(1))
            {
                h.Append($"<tr><th>{E(system.Name)}</th>");
                foreach (var m in report.MetricNames)
                {
                    if (report.Delta(system, m) is not { } d) { h.Append("<td class=\"num\">–</td>"); continue; }
                    string css = d > 0 ? "num up" : d < 0 ? "num down" : "num";
                    h.Append($"<td class=\"{css}\">{report.FormatDelta(m, d)}</td>");
                }
                h.AppendLine("</tr>");
            }
            h.AppendLine("</table>");
        }

        h.AppendLine("<h2>Plots</h2><div class=\"plots\">");
        foreach (var figure in figures)
            h.AppendLine($"<figure data-plot=\"{E(figure.Stem)}\">").Append(T5Sharp.Plotting.SvgFigure.Inline(figure.Svg)).AppendLine("</figure>");
        h.AppendLine("</div>");

        h.AppendLine("<h2>Examples</h2>");
        foreach (int index in report.SampledExamples)
        {
            var example = report.Baseline.Result.Examples[index];
            h.AppendLine($"<section class=\"example\"><h3>Example {index}</h3>");
            if (example.Source.Length > 0)
                h.AppendLine($"<details><summary>Source</summary><pre class=\"source\">{E(example.Source)}</pre></details>");
            h.AppendLine("<table><tr><th></th><th>Text</th><th>Scores</th></tr>");
            for (int r = 0; r < example.References.Count; r++)
                h.AppendLine($"<tr><th>Human{(example.References.Count > 1 ? $" {r + 1}" : "")}</th>" +
                             $"<td class=\"text\">{E(example.References[r])}</td><td></td></tr>");
            foreach (var system in report.Systems)
            {
                var e = system.Result.Examples[index];
                h.AppendLine($"<tr><th>{E(system.Name)}</th><td class=\"text\">{E(e.Prediction)}</td>" +
                             $"<td class=\"num\">{E(ComparisonMarkdown.ExampleScores(report, e))}</td></tr>");
            }
            h.AppendLine("</table></section>");
        }
        h.AppendLine("</body></html>");
        return h.ToString();
    }

    static string E(string text) => WebUtility.HtmlEncode(text);
}
