namespace T5Sharp.Modeling;

/// <summary>
/// Matrix-multiply FLOPs of one T5 forward pass (2 per multiply-add), the numerator of model-FLOP utilisation.
/// Counts every projection, the attention score and value products (full square for the causal decoder, as computed)
/// and lm_head; element-wise work (norms, softmax, activations) is left out, as MFU conventionally does.
/// A training step costs about 3× a forward (backward ≈ 2×).
/// </summary>
public static class T5Flops
{
    public static double Forward(T5Config c, long batch, long sourceLength, long targetLength)
    {
        double d = c.DModel, inner = c.InnerDim, ff = c.DFf, s = sourceLength, t = targetLength;
        double ffPerToken = 2 * d * ff * (c.IsGatedAct ? 3 : 2);
        double projections = 4 * 2 * d * inner; // q, k, v, o

        double encoderPerLayer = s * (projections + ffPerToken) + 2 * (2 * s * s * inner); // QKᵀ and AV
        double decoderPerLayer =
            t * (projections + ffPerToken)             // self-attention projections and feed-forward
            + 2 * (2 * t * t * inner)                  // self-attention scores and values
            + t * 2 * (2 * d * inner)                  // cross-attention q and o
            + s * 2 * (2 * d * inner)                  // cross-attention k and v over the encoder output
            + 2 * (2 * t * s * inner);                 // cross-attention scores and values
        double lmHead = t * 2 * d * c.VocabSize;
        return batch * (c.NumLayers * encoderPerLayer + c.DecoderLayers * decoderPerLayer + lmHead);
    }
}
