using static TorchSharp.torch;

namespace T5Sharp.Generation.Processors;

/// <summary>
/// HF's NoBadWordsLogitsProcessor: a one-token bad word is always banned; a longer one has its last token banned when
/// the row ends with the rest of it. The bare EOS sequence is dropped from the list, as HF does.
/// </summary>
public sealed class BadWordsProcessor : ILogitsProcessor
{
    readonly long[][] _words;

    public BadWordsProcessor(IEnumerable<long[]> badWordsIds, long eos) =>
        _words = badWordsIds.Where(w => !(w.Length == 1 && w[0] == eos)).ToArray();

    public Tensor Process(DecodingState state, Tensor scores)
    {
        long vocab = scores.shape[1];
        var bans = new List<long>();
        foreach (var word in _words)
        {
            if (word[^1] >= vocab)
                throw new GenerationConfigException($"bad_words_ids contains token id {word[^1]}, beyond the model's vocabulary ({vocab})");
            if (word.Length > state.Length) continue; // HF skips a sequence longer than the ids so far
            for (int r = 0; r < state.Sequences.Count; r++)
            {
                var row = state.Sequences[r];
                bool match = true;
                for (int j = 0; j < word.Length - 1 && match; j++) match = row[row.Count - (word.Length - 1) + j] == word[j];
                if (match) bans.Add(r * vocab + word[^1]);
            }
        }
        return TokenBans.Apply(scores, bans);
    }
}
