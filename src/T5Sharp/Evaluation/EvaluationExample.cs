namespace T5Sharp.Evaluation;

/// <summary>
/// One scored example: its position in the data, the model input (empty when unknown, e.g. a predictions file without
/// sources), one or more references, the prediction, and per-example scores ("rouge1".."rougeLsum" F-measure on the
/// scale of the corpus metric, "bleu" = sacreBLEU sentence BLEU 0–100).
/// </summary>
public sealed record EvaluationExample(int Index, string Source, IReadOnlyList<string> References, string Prediction,
    IReadOnlyDictionary<string, double> Scores);
