namespace T5Sharp.Training;

/// <summary>
/// metric_for_best_model as HF applies it: reading the metric from an evaluation, comparing by greater_is_better, and
/// the best-checkpoint bookkeeping that Trainer._save_checkpoint does at a save that follows an evaluation.
/// </summary>
public static class BestModel
{
    /// <summary>The value of <paramref name="key"/>; a missing key throws naming who asked and what the evaluation has.</summary>
    public static double Metric(IReadOnlyDictionary<string, double> metrics, string key, string who) =>
        metrics.TryGetValue(key, out double value) ? value
            : throw new TrainingException($"{who}: evaluation has no {key} (it has {string.Join(", ", metrics.Keys)}; ROUGE needs predict_with_generate)");

    public static bool IsBetter(TrainingArguments args, double value, double best) =>
        args.ResolvedGreaterIsBetter ? value > best : value < best;

    /// <summary>Records <paramref name="checkpointDir"/> as the best when its metric beats the best so far.</summary>
    public static void Update(TrainingArguments args, TrainerState state, IReadOnlyDictionary<string, double> metrics, string checkpointDir)
    {
        if (args.BestMetricKey is not { } key) return;
        double value = Metric(metrics, key, $"metric_for_best_model {args.MetricForBestModel}");
        if (state.BestMetric is null || state.BestModelCheckpoint is null || IsBetter(args, value, state.BestMetric.Value))
        {
            state.BestMetric = value;
            state.BestModelCheckpoint = checkpointDir;
        }
    }
}
