using System.Net;
using System.Text;

namespace T5Sharp.Reports;

/// <summary>
/// A <see cref="TrainingReport"/> as one self-contained HTML page: inline CSS, inline SVG figures, no scripts and no
/// reference to anything outside the file; every text (options, paths) HTML-escaped.
/// </summary>
internal static class TrainingReportHtml
{
    const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; line-height: 1.4; padding: 0 1rem; }
        table { border-collapse: collapse; margin: 1rem 0; }
        th, td { border: 1px solid #ccc; padding: .3rem .6rem; vertical-align: top; }
        th { background: #f3f3f3; text-align: left; }
        td { font-variant-numeric: tabular-nums; }
        .plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); gap: 1rem; }
        figure { margin: 0; border: 1px solid #e4e4e4; padding: .25rem; }
        svg.plot { width: 100%; height: auto; display: block; }
        details { margin: 1rem 0; }
        .note { color: #666; font-size: .9em; }
        """;

    public static string Render(TrainingReport report)
    {
        var h = new StringBuilder();
        string title = report.Runs.Count == 1 ? $"Training run {report.Runs[0].Name}" : $"Training runs ({report.Runs.Count})";
        h.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        h.AppendLine($"<title>{E(title)}</title>").AppendLine($"<style>{Style}</style></head><body>");
        h.AppendLine($"<h1>{E(title)}</h1>");
        h.AppendLine("<p class=\"note\">" + string.Join("<br>", report.Runs.Select(r => $"{E(r.Name)}: {E(r.Path)}")) + "</p>");

        h.AppendLine("<h2>Summary</h2><table id=\"summary\"><tr><th></th>");
        foreach (var run in report.Runs) h.Append($"<th>{E(run.Name)}</th>");
        h.AppendLine("</tr>");
        foreach (var (label, cells) in ReportFormat.SummaryRows(report))
            h.AppendLine($"<tr><th>{E(label)}</th>" + string.Concat(cells.Select(c => $"<td>{E(c)}</td>")) + "</tr>");
        h.AppendLine("</table>");

        h.AppendLine("<h2>Plots</h2>");
        h.AppendLine($"<p class=\"note\">Training loss: raw logged values (dots) and TensorBoard's debiased exponential smoothing " +
                     $"with weight {report.Smoothing:0.##} (line). Steps are optimizer steps.</p>");
        h.AppendLine("<div class=\"plots\">");
        foreach (var plot in report.Plots)
            h.AppendLine($"<figure data-plot=\"{E(plot.Stem)}\">").Append(T5Sharp.Plotting.SvgFigure.Inline(plot.Svg)).AppendLine("</figure>");
        h.AppendLine("</div>");

        h.AppendLine("<details><summary>Run options (run.json)</summary><table id=\"options\"><tr><th>option</th>");
        foreach (var run in report.Runs) h.Append($"<th>{E(run.Name)}</th>");
        h.AppendLine("</tr>");
        foreach (string key in report.OptionKeys())
            h.AppendLine($"<tr><th>{E(key)}</th>" + string.Concat(report.Runs.Select(r => $"<td>{E(TrainingReport.Option(r, key))}</td>")) + "</tr>");
        h.AppendLine("</table></details>");
        h.AppendLine("</body></html>");
        return h.ToString();
    }

    static string E(string text) => WebUtility.HtmlEncode(text);
}
