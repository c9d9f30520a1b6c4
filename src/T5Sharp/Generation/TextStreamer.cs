using T5Sharp.Tokenization;

namespace T5Sharp.Generation;

/// <summary>
/// Turns one row's tokens into text as they come (HF's TextStreamer, at token rather than word granularity, as TGI
/// streams). Each step re-decodes the row's tokens and hands on the new text that can no longer change, which for
/// SentencePiece decoding is all of it but one case: with clean_up_tokenization_spaces on, HF's clean-up removes the
/// space before "n't", "'s", "'m", "'ve", "'re" and around a lone "'", so a last word that may still grow into one of
/// those ("n", "'", "'v", …) waits, with its space, for the next token. HF's TextStreamer holds every word back to the
/// last space instead (and still prints "do " before "don't"). Special tokens are skipped.
/// </summary>
public sealed class TextStreamer(T5Tokenizer tokenizer, Action<string> onText, int row = 0) : IGenerationStreamer
{
    static readonly string[] Contractions = ["n't", "'s", "'m", "'ve", "'re", "' "];

    readonly List<long> _tokens = [];
    int _printed;

    public void Put(int step, IReadOnlyList<long> tokens)
    {
        if (row >= tokens.Count) throw new ArgumentOutOfRangeException(nameof(row), $"streamer follows row {row}, the batch has {tokens.Count}");
        _tokens.Add(tokens[row]);
        string text = tokenizer.Decode(_tokens, skipSpecialTokens: true);
        Emit(text, StableLength(text, tokenizer.CleanUpTokenizationSpaces));
    }

    public void End()
    {
        string text = tokenizer.Decode(_tokens, skipSpecialTokens: true);
        Emit(text, text.Length);
        _tokens.Clear();
        _printed = 0;
    }

    /// <summary>How much of a decoded prefix the following tokens can't change.</summary>
    internal static int StableLength(string text, bool cleanUp)
    {
        if (!cleanUp) return text.Length;
        int space = text.LastIndexOf(' ');
        if (space < 0) return text.Length; // the first word has no space before it to lose
        var lastWord = text.AsSpan(space + 1);
        foreach (string contraction in Contractions)
            if (lastWord.Length > 0 && contraction.AsSpan().StartsWith(lastWord, StringComparison.Ordinal)) return space;
        return text.Length;
    }

    void Emit(string text, int upTo)
    {
        if (upTo <= _printed) return;
        onText(text[_printed..upTo]);
        _printed = upTo;
    }
}
