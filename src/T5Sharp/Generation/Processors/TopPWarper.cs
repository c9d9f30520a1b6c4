using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>
/// HF's TopPLogitsWarper (nucleus): sorting ascending, tokens whose cumulative probability stays within 1 - top_p are
/// removed; the minTokensToKeep most likely always stay.
/// </summary>
public sealed class TopPWarper(double topP, int minTokensToKeep) : ILogitsProcessor
{
    public Tensor Process(DecodingState state, Tensor scores)
    {
        var (sorted, indices) = scores.sort(dim: 1, descending: false);
        var cumulative = sorted.softmax(1).cumsum(1);
        var removeSorted = cumulative.le(1 - topP);
        removeSorted.narrow(1, scores.shape[1] - minTokensToKeep, minTokensToKeep).fill_(false);
        var remove = removeSorted.scatter(1, indices, removeSorted);
        return scores.masked_fill(remove, double.NegativeInfinity);
    }
}
