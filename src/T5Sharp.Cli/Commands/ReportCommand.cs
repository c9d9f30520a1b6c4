using System.CommandLine;
using T5Sharp.Reports;
using T5Sharp.Training;

namespace T5Sharp.Cli.Commands;

/// <summary>
/// `t5sharp report RUN_DIR... [--out DIR]`: one HTML page (plots inline as SVG, nothing fetched) and Markdown on one or
/// more run folders, overlaid on the same axes. Default output: RUN_DIR/report for one run, else ./report.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("RUN_DIR") { Description = "Run folders (run.json, metrics.jsonl, checkpoint-N/, final/).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Folder for report.html, report.md and plots/ (default: RUN_DIR/report for one run, else ./report)." };
        var command = new Command("report", "A training report with plots (HTML and Markdown) for one or more run folders.") { runs, output };
        command.SetAction(parse =>
        {
            var dirs = parse.GetValue(runs)!;
            string outDir = parse.GetValue(output) ?? (dirs.Length == 1 ? Path.Combine(dirs[0], "report") : "report");
            try
            {
                var report = TrainingReport.Load(dirs);
                string html = report.Write(outDir);
                Console.WriteLine($"report: {html}, {Path.Combine(outDir, TrainingReport.MarkdownFileName)}");
                return 0;
            }
            catch (TrainingException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return CliErrors.UserError;
            }
        });
        return command;
    }
}
