using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>HF's NoRepeatNGramLogitsProcessor: no n-gram occurs twice in a row's decoder ids (start token included).</summary>
public sealed class NoRepeatNGramProcessor(int size) : ILogitsProcessor
{
    public Tensor Process(DecodingState state, Tensor scores)
    {
        if (state.Length + 1 < size) return scores;
        long vocab = scores.shape[1];
        var bans = new List<long>();
        for (int r = 0; r < state.Sequences.Count; r++)
            foreach (long token in TokenBans.NGramContinuations(state.Sequences[r], state.Sequences[r], size))
                bans.Add(r * vocab + token);
        return TokenBans.Apply(scores, bans);
    }
}
