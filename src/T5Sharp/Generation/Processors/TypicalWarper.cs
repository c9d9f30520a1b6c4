using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>
/// HF's TypicalLogitsWarper (locally typical sampling): keeps the tokens whose surprisal is closest to the entropy until
/// their probability mass reaches typical_p; the minTokensToKeep most typical always stay.
/// </summary>
public sealed class TypicalWarper(double mass, int minTokensToKeep) : ILogitsProcessor
{
    public Tensor Process(DecodingState state, Tensor scores)
    {
        var normalized = scores.log_softmax(1);
        var p = normalized.exp();
        var product = normalized * p; // -inf · 0 is NaN; HF sums with nansum
        var entropy = -product.masked_fill(product.isnan(), 0).sum(1, keepdim: true);
        var shifted = (-normalized - entropy).abs();
        var (sortedShifted, indices) = shifted.sort(dim: 1, descending: false);
        var sortedLogits = scores.gather(1, indices);
        var cumulative = sortedLogits.softmax(1).cumsum(1);
        var lastIndex = cumulative.lt(mass).sum(1).clamp_max(scores.shape[1] - 1);
        var removeSorted = sortedShifted.gt(sortedShifted.gather(1, lastIndex.view(-1, 1)));
        removeSorted.narrow(1, 0, minTokensToKeep).fill_(false);
        var remove = removeSorted.scatter(1, indices, removeSorted);
        return scores.masked_fill(remove, double.NegativeInfinity);
    }
}
