using T5Sharp.Formats;

namespace T5Sharp.Reports;

/// <summary>
/// A report on one or more training runs: a summary table (steps, wall time, best checkpoint, final metrics), the run
/// options side by side, and the figures of <see cref="TrainingReportPlots"/> with every run overlaid. Renders to one
/// self-contained HTML page (inline CSS and SVG, no scripts, nothing fetched) and to Markdown that links the same
/// figures as SVG files in plots/.
/// </summary>
public sealed class TrainingReport
{
    public const string HtmlFileName = "report.html";
    public const string MarkdownFileName = "report.md";
    public const string PlotsDirName = "plots";

    public TrainingReport(IReadOnlyList<RunFolder> runs, double smoothing = EmaSmoothing.DefaultWeight)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0) throw new ArgumentException("A report needs at least one run.", nameof(runs));
        Runs = Unique(runs);
        Smoothing = smoothing;
        Summaries = Runs.Select(RunSummary.Of).ToList();
        Plots = TrainingReportPlots.Create(Runs, smoothing);
    }

    public IReadOnlyList<RunFolder> Runs { get; }
    public double Smoothing { get; }
    public IReadOnlyList<RunSummary> Summaries { get; }
    public IReadOnlyList<ReportPlot> Plots { get; }

    /// <summary>Reads the run folders and builds their report.</summary>
    public static TrainingReport Load(IEnumerable<string> runDirs) => new(runDirs.Select(d => RunFolder.Load(d)).ToList());

    public string ToHtml() => TrainingReportHtml.Render(this);
    public string ToMarkdown() => TrainingReportMarkdown.Render(this);

    /// <summary>Writes report.html, report.md and plots/*.svg into <paramref name="directory"/>; returns the HTML's path.</summary>
    public string Write(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, PlotsDirName));
        foreach (var plot in Plots) AtomicFile.WriteAllText(Path.Combine(directory, PlotsDirName, plot.Stem + ".svg"), plot.Svg);
        AtomicFile.WriteAllText(Path.Combine(directory, MarkdownFileName), ToMarkdown());
        string html = Path.Combine(directory, HtmlFileName);
        AtomicFile.WriteAllText(html, ToHtml());
        return html;
    }

    /// <summary>Runs from folders of the same name (a/run, b/run) get their position appended, so legends tell them apart.</summary>
    static List<RunFolder> Unique(IReadOnlyList<RunFolder> runs)
    {
        var names = runs.GroupBy(r => r.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return runs.Select((r, i) => names.Contains(r.Name) ? RunFolder.Load(r.Path, $"{r.Name} #{i + 1}") : r).ToList();
    }

    /// <summary>Every run option key, in first-seen order across the runs.</summary>
    internal IReadOnlyList<string> OptionKeys() => Runs.SelectMany(r => r.Options.Select(kv => kv.Key)).Distinct().ToList();

    internal static string Option(RunFolder run, string key) => run.Options.TryGetPropertyValue(key, out var node)
        ? node is null ? "null" : node.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString()
        : "–";
}
