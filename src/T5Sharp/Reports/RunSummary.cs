using T5Sharp.Training;

namespace T5Sharp.Reports;

/// <summary>
/// The summary-table row of one run: steps and epochs trained, wall time (HF's train_runtime; null when the run has not
/// logged it), the closing train_loss, the best checkpoint and metric, and the metrics of the last evaluation.
/// </summary>
public sealed record RunSummary(string Name, string? Model, long Steps, double? Epochs, double? WallSeconds, double? TrainLoss,
    string? BestCheckpoint, double? BestMetric, string? BestMetricName, long? LastEvaluationStep,
    IReadOnlyDictionary<string, double> FinalMetrics, int CheckpointCount, bool HasFinal)
{
    public static RunSummary Of(RunFolder run)
    {
        var history = run.History;
        var closing = history.LastOrDefault(e => e.TrainLoss is not null);
        var lastEval = history.LastOrDefault(e => e.Other?.Keys.Any(TrainingReportPlots.IsEvaluationMetric) == true);
        var finalMetrics = lastEval?.Other!.Keys.Where(TrainingReportPlots.IsEvaluationMetric)
            .ToDictionary(k => k, k => RunFolder.Value(lastEval, k)!.Value) ?? [];
        string? metricName = run.Options["metric_for_best_model"]?.GetValue<string>() is { } m && run.State?.BestMetric is not null
            ? m.StartsWith("eval_", StringComparison.Ordinal) ? m : "eval_" + m
            : null;
        return new RunSummary(
            run.Name,
            run.Options["model"]?.ToString(),
            run.State?.GlobalStep ?? (history.Count > 0 ? history.Max(e => e.Step) : 0),
            run.State?.Epoch ?? history.LastOrDefault(e => e.Epoch is not null)?.Epoch,
            closing is null ? null : RunFolder.Value(closing, "train_runtime"),
            closing?.TrainLoss,
            run.State?.BestModelCheckpoint is { } best ? Path.GetFileName(best.TrimEnd('/', '\\')) : null,
            run.State?.BestMetric,
            metricName,
            lastEval?.Step,
            finalMetrics,
            run.Checkpoints.Count,
            run.HasFinal);
    }
}
