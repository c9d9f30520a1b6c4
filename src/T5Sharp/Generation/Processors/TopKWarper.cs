using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>HF's TopKLogitsWarper: scores below the k-th largest become -inf (k at least minTokensToKeep).</summary>
public sealed class TopKWarper(int topK, int minTokensToKeep) : ILogitsProcessor
{
    public Tensor Process(DecodingState state, Tensor scores)
    {
        int k = (int)Math.Min(Math.Max(topK, minTokensToKeep), scores.shape[1]);
        var kth = scores.topk(k, dim: 1).values.narrow(1, k - 1, 1);
        return scores.masked_fill(scores.lt(kth), double.NegativeInfinity);
    }
}
