using ScottPlot;
using T5Sharp.Plotting;

namespace T5Sharp.Reports;

/// <summary>
/// The figures of a training report, each with every run overlaid on the same axes (one colour per run, the same in
/// every figure): training loss raw (markers) and smoothed (TensorBoard's EMA, a line), learning rate, grad norm,
/// eval loss and each evaluation metric per evaluation, tokens/s and memory per logged step. A figure is drawn only
/// when some run logged its key.
/// </summary>
public static class TrainingReportPlots
{
    /// <summary>Extra keys of training log entries (see Training.MetricsLog) and their axis labels.</summary>
    static readonly (string Key, string Title, string YLabel)[] StepKeys =
    [
        ("learning_rate", "Learning rate", "learning rate"),
        ("grad_norm", "Gradient norm (before clipping)", "grad norm"),
        ("tokens_per_second", "Throughput", "tokens/s"),
        ("memory_rss_mib", "Memory (process RSS)", "MiB"),
    ];

    /// <summary>An evaluation metric worth a plot: eval_* except HF's timing keys (eval_runtime, eval_*_per_second).</summary>
    public static bool IsEvaluationMetric(string key) =>
        key.StartsWith("eval_", StringComparison.Ordinal) && key != "eval_runtime" && !key.EndsWith("_per_second", StringComparison.Ordinal);

    public static IReadOnlyList<ReportPlot> Create(IReadOnlyList<RunFolder> runs, double smoothing = EmaSmoothing.DefaultWeight)
    {
        var plots = new List<ReportPlot>();
        if (runs.Any(r => r.Series("loss").Count > 0)) plots.Add(Loss(runs, smoothing));
        foreach (var (key, title, yLabel) in StepKeys.Take(2)) Add(key, title, yLabel);
        var evalKeys = runs.SelectMany(r => r.Keys()).Where(IsEvaluationMetric).Distinct()
            .OrderBy(k => k == "eval_loss" ? 0 : k.StartsWith("eval_rouge", StringComparison.Ordinal) ? 1 : 2).ToList();
        foreach (string key in evalKeys) Add(key, EvaluationTitle(key), key["eval_".Length..]);
        foreach (var (key, title, yLabel) in StepKeys.Skip(2)) Add(key, title, yLabel);
        return plots;

        void Add(string key, string title, string yLabel)
        {
            var series = runs.Select(r => r.Series(key)).ToList();
            if (series.Any(s => s.Count > 0)) plots.Add(Lines(title, key, yLabel, series));
        }
    }

    static string EvaluationTitle(string key) => key == "eval_loss" ? "Evaluation loss" : $"Evaluation {key["eval_".Length..]}";

    static ReportPlot Loss(IReadOnlyList<RunFolder> runs, double smoothing)
    {
        var plot = SvgFigure.Create("Training loss", "step", "loss");
        var drawn = new List<PlotSeries>();
        for (int r = 0; r < runs.Count; r++)
        {
            var raw = runs[r].Series("loss");
            if (raw.Count == 0) continue;
            var color = SvgFigure.SeriesColor(r);
            var points = plot.Add.Scatter(raw.Steps.ToArray(), raw.Values.ToArray(), color.WithAlpha(0.45));
            points.MarkerSize = 5;
            points.LegendText = $"{runs[r].Name} (raw)";
            drawn.Add(new PlotSeries(points.LegendText, raw.Count, true));
            var line = plot.Add.ScatterLine(raw.Steps.ToArray(), EmaSmoothing.Smooth(raw.Values, smoothing), color);
            line.LineWidth = 2;
            line.LegendText = $"{runs[r].Name} (smoothed {smoothing:0.##})";
            drawn.Add(new PlotSeries(line.LegendText, raw.Count, false));
        }
        plot.ShowLegend();
        return new ReportPlot("Training loss", "loss", SvgFigure.Render(plot, "loss", "Training loss"), drawn);
    }

    static ReportPlot Lines(string title, string key, string yLabel, IReadOnlyList<MetricSeries> series)
    {
        var plot = SvgFigure.Create(title, "step", yLabel);
        var drawn = new List<PlotSeries>();
        for (int r = 0; r < series.Count; r++)
        {
            if (series[r].Count == 0) continue;
            var scatter = plot.Add.Scatter(series[r].Steps.ToArray(), series[r].Values.ToArray(), SvgFigure.SeriesColor(r));
            scatter.MarkerSize = 6;
            scatter.LineWidth = 1.5f;
            scatter.LegendText = series[r].Run;
            drawn.Add(new PlotSeries(series[r].Run, series[r].Count, true));
        }
        plot.ShowLegend();
        string stem = key.Replace('/', '_');
        return new ReportPlot(title, stem, SvgFigure.Render(plot, stem, title), drawn);
    }
}
