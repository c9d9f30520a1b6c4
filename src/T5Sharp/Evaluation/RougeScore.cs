namespace T5Sharp.Evaluation;

/// <summary>One ROUGE measurement, as rouge_score's <c>Score</c> tuple: values in [0, 1].</summary>
public readonly record struct RougeScore(double Precision, double Recall, double FMeasure)
{
    /// <summary>rouge_score's <c>fmeasure</c>: the harmonic mean, 0 when precision + recall is 0.</summary>
    public static RougeScore From(double precision, double recall) =>
        new(precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0);

    /// <summary>The same score scaled to 0–100, as HF's summarization scripts report it.</summary>
    public RougeScore ToPercent() => new(Precision * 100, Recall * 100, FMeasure * 100);
}
