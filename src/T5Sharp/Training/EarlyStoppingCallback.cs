namespace T5Sharp.Training;

/// <summary>
/// HF's EarlyStoppingCallback: an evaluation whose metric_for_best_model doesn't beat the best so far (by more than
/// <paramref name="threshold"/>, in the greater_is_better direction) adds one to a counter, one that does resets it;
/// at <paramref name="patience"/> it stops training. The best is the one recorded at saves, so evaluations should be
/// followed by saves (as HF requires through load_best_model_at_end).
/// </summary>
public sealed class EarlyStoppingCallback(int patience, double threshold = 0) : ITrainerCallback
{
    public int Patience { get; } = patience >= 1 ? patience : throw new TrainingException($"early_stopping_patience must be ≥ 1, found {patience}");
    public double Threshold { get; } = threshold;
    /// <summary>Evaluations in a row without improvement.</summary>
    public int PatienceCounter { get; private set; }
    /// <summary>Whether this callback ended training.</summary>
    public bool StoppedTraining { get; private set; }

    public void OnTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control)
    {
        if (args.BestMetricKey is null)
            throw new TrainingException("early stopping needs metric_for_best_model (or load_best_model_at_end)");
    }

    public void OnEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, IReadOnlyDictionary<string, double> metrics)
    {
        double value = BestModel.Metric(metrics, args.BestMetricKey!, "early stopping");
        bool improved = state.BestMetric is not { } best
                        || (BestModel.IsBetter(args, value, best) && Math.Abs(value - best) > Threshold);
        PatienceCounter = improved ? 0 : PatienceCounter + 1;
        if (PatienceCounter < Patience) return;
        control.ShouldTrainingStop = true;
        StoppedTraining = true;
    }
}
