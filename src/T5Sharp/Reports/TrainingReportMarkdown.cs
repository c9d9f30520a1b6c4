using System.Text;

namespace T5Sharp.Reports;

/// <summary>A <see cref="TrainingReport"/> as GitHub-flavoured Markdown; figures are linked as plots/&lt;stem&gt;.svg.</summary>
internal static class TrainingReportMarkdown
{
    public static string Render(TrainingReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(report.Runs.Count == 1 ? $"# Training run {Cell(report.Runs[0].Name)}" : $"# Training runs ({report.Runs.Count})").AppendLine();
        foreach (var run in report.Runs) md.AppendLine($"- {Cell(run.Name)}: `{run.Path}`");
        md.AppendLine().AppendLine("## Summary").AppendLine();
        md.AppendLine("| | " + string.Join(" | ", report.Runs.Select(r => Cell(r.Name))) + " |");
        md.AppendLine("|---|" + string.Concat(report.Runs.Select(_ => "---:|")));
        foreach (var (label, cells) in ReportFormat.SummaryRows(report))
            md.AppendLine($"| {Cell(label)} | {string.Join(" | ", cells.Select(Cell))} |");
        md.AppendLine().AppendLine("## Plots").AppendLine();
        foreach (var plot in report.Plots)
            md.AppendLine($"![{plot.Title}]({TrainingReport.PlotsDirName}/{plot.Stem}.svg)").AppendLine();
        md.AppendLine("## Run options").AppendLine();
        md.AppendLine("| option | " + string.Join(" | ", report.Runs.Select(r => Cell(r.Name))) + " |");
        md.AppendLine("|---|" + string.Concat(report.Runs.Select(_ => "---|")));
        foreach (string key in report.OptionKeys())
            md.AppendLine($"| {Cell(key)} | {string.Join(" | ", report.Runs.Select(r => Cell(TrainingReport.Option(r, key))))} |");
        return md.ToString();
    }

    /// <summary>Text safe in a table cell: HTML specials and pipes escaped, line breaks as &lt;br&gt;.</summary>
    static string Cell(string text) => System.Net.WebUtility.HtmlEncode(text).Replace("|", "\\|").Replace("\r\n", "<br>").Replace("\n", "<br>");
}
