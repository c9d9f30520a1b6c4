namespace T5Sharp.Evaluation;

/// <summary>How well a model predicts one target: cross-entropy summed and averaged over the target's tokens (incl. &lt;/s&gt;).</summary>
public sealed record SequenceScore(double MeanLoss, double SumLoss, int TokenCount)
{
    /// <summary>exp(mean loss): the per-token perplexity.</summary>
    public double Perplexity => Math.Exp(MeanLoss);
}
