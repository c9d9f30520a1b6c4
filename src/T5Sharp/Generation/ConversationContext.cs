using T5Sharp.Tokenization;

namespace T5Sharp.Generation;

/// <summary>
/// The rolling context of a chat: the latest turns as "Speaker: text" lines, oldest dropped first so that the prompt
/// (the lines put through the caller's template) stays within the model's source length.
/// </summary>
public sealed class ConversationContext
{
    readonly List<(string Speaker, string Text)> _turns = [];
    readonly int _maxTurns, _maxPromptTokens;

    /// <param name="maxTurns">Turns kept at most (user and bot turns both count).</param>
    /// <param name="maxPromptTokens">Token budget of the formatted prompt (EOS included).</param>
    public ConversationContext(int maxTurns, int maxPromptTokens)
    {
        if (maxTurns < 1) throw new ArgumentException($"the context must keep at least 1 turn, got {maxTurns}");
        if (maxPromptTokens < 1) throw new ArgumentException($"the prompt budget must be at least 1 token, got {maxPromptTokens}");
        _maxTurns = maxTurns;
        _maxPromptTokens = maxPromptTokens;
    }

    public IReadOnlyList<(string Speaker, string Text)> Turns => _turns;

    public void Add(string speaker, string text)
    {
        _turns.Add((speaker, text));
        if (_turns.Count > _maxTurns) _turns.RemoveRange(0, _turns.Count - _maxTurns);
    }

    public void Clear() => _turns.Clear();

    /// <summary>
    /// The prompt from the latest turns that fit the budget once formatted by <paramref name="format"/>. The newest turn
    /// is always kept (the tokenizer then truncates it like any over-long input).
    /// </summary>
    public string BuildPrompt(T5Tokenizer tokenizer, Func<string, string> format)
    {
        if (_turns.Count == 0) throw new InvalidOperationException("the conversation has no turns yet");
        int first = _turns.Count - 1;
        string prompt = format(Lines(first));
        while (first > 0)
        {
            string longer = format(Lines(first - 1));
            if (tokenizer.Encode(longer).Length > _maxPromptTokens) break;
            first--;
            prompt = longer;
        }
        return prompt;
    }

    string Lines(int first) => string.Join("\n", _turns.Skip(first).Select(t => $"{t.Speaker}: {t.Text}"));
}
