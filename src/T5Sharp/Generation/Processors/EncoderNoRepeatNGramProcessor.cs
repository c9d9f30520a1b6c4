using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>
/// HF's EncoderNoRepeatNGramLogitsProcessor: a row may not complete an n-gram that occurs in its input's encoder ids
/// (padded ids, as HF uses them).
/// </summary>
public sealed class EncoderNoRepeatNGramProcessor(int size) : ILogitsProcessor
{
    public Tensor Process(DecodingState state, Tensor scores)
    {
        long vocab = scores.shape[1];
        var bans = new List<long>();
        for (int r = 0; r < state.Sequences.Count; r++)
            foreach (long token in TokenBans.NGramContinuations(state.EncoderIds[r / state.RowsPerInput], state.Sequences[r], size))
                bans.Add(r * vocab + token);
        return TokenBans.Apply(scores, bans);
    }
}
