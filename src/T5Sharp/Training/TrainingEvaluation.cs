namespace T5Sharp.Training;

/// <summary>
/// One evaluation during training: HF's eval_* metrics (eval_loss; with predict_with_generate eval_rouge1, eval_rouge2,
/// eval_rougeL, eval_rougeLsum, eval_gen_len) and the generated texts in data order (empty without generation).
/// </summary>
public sealed record TrainingEvaluation(IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<string> Predictions);
