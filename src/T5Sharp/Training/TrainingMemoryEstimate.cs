using T5Sharp.Modeling;

namespace T5Sharp.Training;

/// <summary>
/// A rough memory estimate of one training step, for --dry-run and the benchmark: weights, gradients and optimizer
/// state (AdamW: two moments; Adafactor: factored second moments, about the row + column sums) plus the activations
/// autograd keeps for backward (per token and layer: the projections' inputs and outputs, the feed-forward's hidden
/// states, and per sequence the attention probabilities) and the logits with their log-softmax and gradient. An
/// upper-bound sketch, not a measurement: the benchmark measures the real peak.
/// In bf16 mixed precision (<see cref="TrainingArguments.Bf16"/>) gradients and optimizer state stay float32; a full
/// fine-tune adds the bf16 copies of the trainable weights that each forward casts and backward keeps; the linears'
/// and attention's saved tensors and the lm_head's output are bf16, while the residual stream, the norms' inputs and
/// the loss's log-softmax and gradient stay float32.
/// </summary>
public sealed record TrainingMemoryEstimate(long ParameterBytes, long GradientBytes, long OptimizerBytes, long ActivationBytes)
{
    public long TotalBytes => ParameterBytes + GradientBytes + OptimizerBytes + ActivationBytes;

    /// <param name="storedParameterBytes">The parameters' bytes as stored (a LoRA base kept in bf16 is 2 bytes a
    /// weight); null: every parameter float32.</param>
    /// <param name="bf16">Mixed precision: matmuls in bf16 with float32 master weights.</param>
    public static TrainingMemoryEstimate For(T5Config c, long trainableParameters, long totalParameters, string optim,
        long batch, long sourceLength, long targetLength, bool bf16 = false, long? storedParameterBytes = null)
    {
        const long Float = 4, Half = 2;
        long matmul = bf16 ? Half : Float;
        long d = c.DModel, inner = c.InnerDim, ff = c.DFf * (c.IsGatedAct ? 2 : 1), heads = c.NumHeads;
        // per token and layer: 4·d (encoder) / 6·d (decoder) of residual stream and norm inputs stay float32; the
        // projections' inputs and outputs (the other d terms, inner and ff) are in the matmul type
        long encoderPerToken = 4 * d * Float + (4 * d + 4 * inner + 2 * ff) * matmul;
        long decoderPerToken = 6 * d * Float + (6 * d + 8 * inner + 2 * ff) * matmul;
        long encoder = c.NumLayers * (batch * sourceLength * encoderPerToken + 2 * batch * heads * sourceLength * sourceLength * matmul);
        long decoder = c.DecoderLayers * (batch * targetLength * decoderPerToken
                                          + 2 * batch * heads * (targetLength * targetLength + targetLength * sourceLength) * matmul);
        // lm_head's output, then the float32 log-softmax and its gradient
        long logits = batch * targetLength * c.VocabSize * (matmul + 2 * Float);
        long optimizer = optim == "adafactor" ? trainableParameters / 8 : 2 * trainableParameters;
        long weights = storedParameterBytes ?? totalParameters * Float;
        // autocast's bf16 copies of float32 weights (a LoRA base already stored in bf16 needs none)
        bool castsEachForward = bf16 && weights == totalParameters * Float;
        if (castsEachForward) weights += totalParameters * Half;
        return new TrainingMemoryEstimate(weights, trainableParameters * Float, optimizer * Float, encoder + decoder + logits);
    }

    static string Gib(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB";

    public override string ToString() =>
        $"~{Gib(TotalBytes)} (weights {Gib(ParameterBytes)}, gradients {Gib(GradientBytes)}, optimizer {Gib(OptimizerBytes)}, activations {Gib(ActivationBytes)})";
}
