using System.Text.Json;
using T5Sharp.Pretrained;
using T5Sharp.Reports;
using T5Sharp.Tests.Support;
using T5Sharp.Training;
using static T5Sharp.Tests.Training.TrainingRunEndToEndTests;

namespace T5Sharp.Tests.Reports;

/// <summary>
/// `t5sharp report` on real (tiny) training runs: one SVG per logged key with exactly one marker per logged value,
/// one series per run when runs are overlaid, and a summary table with the run's own numbers.
/// </summary>
public class TrainingReportTests
{
    /// <summary>A tiny run: 6 steps logged each step, evaluations with ROUGE every 2 steps, checkpoints every 3.</summary>
    internal static TrainOutput TinyRun(TempDir temp, string name, int steps = 6)
    {
        string model = File.Exists(temp.File("init/config.json")) ? temp.File("init") : WriteModel(temp, 0.0);
        var options = Options(model, WriteData(temp), temp.File(name), $"max_steps={steps}", "per_device_train_batch_size=4",
            "logging_steps=1", "eval_strategy=steps", "eval_steps=2", "eval_on_start=true", "save_strategy=steps", "save_steps=3",
            "predict_with_generate=true", "generation_max_length=8", "metric_for_best_model=rouge1");
        using var pretrained = PretrainedT5.Load(model);
        return new Seq2SeqTrainer(options, pretrained).Train();
    }

    /// <summary>How many lines of metrics.jsonl have a numeric <paramref name="key"/> (read without the library's types).</summary>
    static int Logged(string runDir, string key) => File.ReadAllLines(Path.Combine(runDir, "metrics.jsonl"))
        .Count(l => JsonDocument.Parse(l).RootElement.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number);

    [Fact]
    public void OneRun_EveryPlotHasOneMarkerPerLoggedValue_AndTheSummaryIsTheRuns()
    {
        using var temp = new TempDir();
        var result = TinyRun(temp, "run");
        string runDir = temp.File("run");
        var report = TrainingReport.Load([runDir]);
        string html = File.ReadAllText(report.Write(temp.File("out")));
        var figures = SvgCount.Figures(html);

        string[] stepKeys = ["learning_rate", "grad_norm", "tokens_per_second", "memory_rss_mib"];
        string[] evalKeys = ["eval_loss", "eval_rouge1", "eval_rouge2", "eval_rougeL", "eval_rougeLsum", "eval_gen_len"];
        Assert.Equal(new[] { "loss" }.Concat(stepKeys).Concat(evalKeys).Order(), figures.Keys.Order());
        Assert.Equal(6, Logged(runDir, "loss"));
        Assert.Equal(4, Logged(runDir, "eval_rouge1")); // steps 0, 2, 4, 6
        // the loss: raw values as markers, the smoothed curve as a line through as many vertices
        Assert.Equal([6], SvgCount.Markers(figures["loss"]));
        Assert.Equal([6], SvgCount.LineVertices(figures["loss"]));
        foreach (string key in stepKeys.Concat(evalKeys))
            Assert.True(SvgCount.Markers(figures[key]).SequenceEqual([Logged(runDir, key)]), $"{key}: {string.Join(",", SvgCount.Markers(figures[key]))}");
        // the Markdown links the same figures, written beside it
        string md = File.ReadAllText(temp.File("out/report.md"));
        foreach (string stem in figures.Keys)
        {
            Assert.Contains($"(plots/{stem}.svg)", md);
            Assert.StartsWith("<svg", File.ReadAllText(temp.File($"out/plots/{stem}.svg")));
        }

        // the summary: the run's own numbers
        var summary = Assert.Single(report.Summaries);
        Assert.Equal(result.State.GlobalStep, summary.Steps);
        Assert.Equal(result.State.LogHistory[^1].TrainLoss, summary.TrainLoss);
        Assert.Equal(Path.GetFileName(result.State.BestModelCheckpoint), summary.BestCheckpoint);
        Assert.Equal(result.State.BestMetric, summary.BestMetric);
        Assert.Equal("eval_rouge1", summary.BestMetricName);
        Assert.Equal(6, summary.LastEvaluationStep);
        var last = result.Evaluations[^1].Evaluation.Metrics;
        Assert.Equal(last.Keys.Order(), summary.FinalMetrics.Keys.Order());
        foreach (var (key, value) in last) Assert.Equal(value, summary.FinalMetrics[key], 12);
        double runtime = JsonDocument.Parse(File.ReadAllLines(temp.File("run/metrics.jsonl"))[^1]).RootElement.GetProperty("train_runtime").GetDouble();
        Assert.True(runtime > 0);
        Assert.Equal(runtime, summary.WallSeconds);
        Assert.True(summary.HasFinal);
        Assert.Equal(2, summary.CheckpointCount); // checkpoint-3 and checkpoint-6
        Assert.Contains($"<tr><th>steps</th><td>{result.State.GlobalStep}</td></tr>", html);
        Assert.Contains($"<tr><th>train_loss</th><td>{result.State.LogHistory[^1].TrainLoss:0.####}</td></tr>", html);
        Assert.Contains($"<td>{Path.GetFileName(result.State.BestModelCheckpoint)} (eval_rouge1 ", html);
        // self-contained: nothing referenced, no scripts
        Assert.DoesNotMatch(@"(src|href)\s*=|<(script|link|img|iframe)\b|@import|url\(|http", html);
    }

    [Fact]
    public void TwoRuns_AreOverlaid_OneSeriesPerRun()
    {
        using var temp = new TempDir();
        TinyRun(temp, "six");
        TinyRun(temp, "four", steps: 4);
        var report = TrainingReport.Load([temp.File("six"), temp.File("four")]);
        var figures = SvgCount.Figures(report.ToHtml());
        Assert.Equal([6, 4], SvgCount.Markers(figures["loss"]));
        Assert.Equal([6, 4], SvgCount.LineVertices(figures["loss"]));
        Assert.Equal([4, 3], SvgCount.Markers(figures["eval_rouge1"])); // evaluations at 0,2,4,6 and 0,2,4
        Assert.Equal([6, 4], SvgCount.Markers(figures["learning_rate"]));
        // each run in its own colour, the same in every figure
        Assert.Equal(["six", "four"], report.Summaries.Select(s => s.Name));
        Assert.Equal([6L, 4L], report.Summaries.Select(s => s.Steps));
        Assert.Contains("<th>six</th><th>four</th>", report.ToHtml());
    }

    [Fact]
    public void Smoothing_IsTensorBoardsDebiasedEma()
    {
        // by hand with w = 0.6: last = 0.4, 1.04, 1.824; debias 1 − 0.6ⁿ = 0.4, 0.64, 0.784
        var smoothed = EmaSmoothing.Smooth([1, 2, 3], 0.6);
        Assert.Equal(1.0, smoothed[0], 12);
        Assert.Equal(1.625, smoothed[1], 12);
        Assert.Equal(1.824 / 0.784, smoothed[2], 12);
        Assert.Equal([5.0, 5.0, 5.0], EmaSmoothing.Smooth([5, 5, 5]).Select(v => Math.Round(v, 12)));
        Assert.Equal([1.0, double.NaN, 2.0], EmaSmoothing.Smooth([1, double.NaN, 2], 0));
    }

    [Fact]
    public void MissingRunFolderOrBadMetricsLine_IsNamed()
    {
        using var temp = new TempDir();
        Assert.Contains("run folder not found", Assert.Throws<TrainingException>(() => RunFolder.Load(temp.File("nope"))).Message);
        Directory.CreateDirectory(temp.File("bad"));
        File.WriteAllText(temp.File("bad/metrics.jsonl"), "{\"loss\": 1, \"step\": 1}\n{oops\n");
        Assert.Contains("metrics.jsonl:2:", Assert.Throws<TrainingException>(() => RunFolder.Load(temp.File("bad"))).Message);
    }
}
