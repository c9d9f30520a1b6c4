using T5Sharp.Modeling;

namespace T5Sharp.Training;

/// <summary>
/// A rough float32 memory estimate of one training step, for --dry-run and the benchmark: weights, gradients and
/// optimizer state (AdamW: two moments; Adafactor: factored second moments, about the row + column sums) plus the
/// activations autograd keeps for backward (per token and layer: the projections' inputs and outputs, the
/// feed-forward's hidden states, and per sequence the attention probabilities) and the logits with their
/// log-softmax and gradient. An upper-bound sketch, not a measurement: the benchmark measures the real peak.
/// </summary>
public sealed record TrainingMemoryEstimate(long ParameterBytes, long GradientBytes, long OptimizerBytes, long ActivationBytes)
{
    public long TotalBytes => ParameterBytes + GradientBytes + OptimizerBytes + ActivationBytes;

    public static TrainingMemoryEstimate For(T5Config c, long trainableParameters, long totalParameters, string optim,
        long batch, long sourceLength, long targetLength)
    {
        const long Float = 4;
        long d = c.DModel, inner = c.InnerDim, ff = c.DFf * (c.IsGatedAct ? 2 : 1), heads = c.NumHeads;
        long encoderPerToken = 8 * d + 4 * inner + 2 * ff;
        long decoderPerToken = 12 * d + 8 * inner + 2 * ff;
        long encoder = c.NumLayers * (batch * sourceLength * encoderPerToken + 2 * batch * heads * sourceLength * sourceLength);
        long decoder = c.DecoderLayers * (batch * targetLength * decoderPerToken
                                          + 2 * batch * heads * (targetLength * targetLength + targetLength * sourceLength));
        long logits = 3 * batch * targetLength * c.VocabSize;
        long optimizer = optim == "adafactor" ? trainableParameters / 8 : 2 * trainableParameters;
        return new TrainingMemoryEstimate(totalParameters * Float, trainableParameters * Float, optimizer * Float,
            (encoder + decoder + logits) * Float);
    }

    static string Gib(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB";

    public override string ToString() =>
        $"~{Gib(TotalBytes)} (weights {Gib(ParameterBytes)}, gradients {Gib(GradientBytes)}, optimizer {Gib(OptimizerBytes)}, activations {Gib(ActivationBytes)})";
}
