using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>HF's MinLengthLogitsProcessor (and MinNewTokens): EOS is -inf while the decoder ids are shorter than minLength.</summary>
public sealed class MinLengthProcessor(int minLength, long eos) : ILogitsProcessor
{
    public Tensor Process(DecodingState state, Tensor scores)
    {
        if (state.Length >= minLength) return scores;
        scores.select(1, eos).fill_(double.NegativeInfinity);
        return scores;
    }
}
