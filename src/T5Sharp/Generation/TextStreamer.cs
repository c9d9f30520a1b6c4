using T5Sharp.Tokenization;

namespace T5Sharp.Generation;

/// <summary>
/// HF's TextStreamer: turns one row's tokens into text as they come. It re-decodes the row's tokens each step and hands
/// on only text that can no longer change: up to the last space (a SentencePiece piece may still merge with the next),
/// whole lines, and everything at the end. Special tokens are skipped.
/// </summary>
public sealed class TextStreamer(T5Tokenizer tokenizer, Action<string> onText, int row = 0) : IGenerationStreamer
{
    readonly List<long> _tokens = [];
    int _printed;

    public void Put(int step, IReadOnlyList<long> tokens)
    {
        if (row >= tokens.Count) throw new ArgumentOutOfRangeException(nameof(row), $"streamer follows row {row}, the batch has {tokens.Count}");
        _tokens.Add(tokens[row]);
        string text = tokenizer.Decode(_tokens, skipSpecialTokens: true);
        int stable = text.EndsWith('\n') ? text.Length : text.LastIndexOf(' ') + 1;
        Emit(text, stable);
    }

    public void End()
    {
        string text = tokenizer.Decode(_tokens, skipSpecialTokens: true);
        Emit(text, text.Length);
        _tokens.Clear();
        _printed = 0;
    }

    void Emit(string text, int upTo)
    {
        if (upTo <= _printed) return;
        onText(text[_printed..upTo]);
        _printed = upTo;
    }
}
