using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>HF's ForcedEOSTokenLogitsProcessor: the last token max_length allows is EOS (score 0, every other -inf).</summary>
public sealed class ForcedEosProcessor(int maxLength, long eos) : ILogitsProcessor
{
    public Tensor Process(DecodingState state, Tensor scores)
    {
        if (state.Length != maxLength - 1) return scores;
        var forced = full_like(scores, double.NegativeInfinity);
        forced.select(1, eos).fill_(0);
        return forced;
    }
}
