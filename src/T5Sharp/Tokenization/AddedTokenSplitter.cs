using System.Buffers;

namespace T5Sharp.Tokenization;

/// <summary>
/// Splits raw text around added tokens the way HF's slow tokenizer does (Trie.split, then the AddedToken
/// lstrip/rstrip rules that eat whitespace from the neighbouring pieces of text). Added tokens are found
/// left to right, the longest one where several start at the same place.
/// </summary>
internal sealed class AddedTokenSplitter
{
    readonly Dictionary<char, AddedToken[]> _byFirstChar;
    readonly SearchValues<char> _firstChars;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens.Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        _firstChars = SearchValues.Create(_byFirstChar.Keys.ToArray());
    }

    /// <summary>The text as a sequence of parts: plain text (Token null) or an added token. Empty texts are dropped.</summary>
    public List<(string Text, AddedToken? Token)> Split(string text)
    {
        var parts = new List<(string Text, AddedToken? Token)>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            // Jump to the next character that can start an added token (almost always '<').
            int skip = text.AsSpan(i).IndexOfAny(_firstChars);
            if (skip < 0) break;
            i += skip;
            var candidates = _byFirstChar[text[i]];
            AddedToken? match = null;
            foreach (var c in candidates)
                if (string.CompareOrdinal(text, i, c.Content, 0, c.Content.Length) == 0) { match = c; break; }
            if (match == null) continue;
            if (i > start) parts.Add((text[start..i], null));
            parts.Add((match.Content, match));
            start = i + match.Content.Length;
            i = start - 1;
        }
        if (start < text.Length) parts.Add((text[start..], null));

        for (int i = 0; i < parts.Count; i++)
        {
            var token = parts[i].Token;
            if (token == null) continue;
            if (token.RStrip && i + 1 < parts.Count && parts[i + 1].Token == null)
                parts[i + 1] = (PythonText.LStrip(parts[i + 1].Text), null);
            if (token.LStrip && i > 0 && parts[i - 1].Token == null)
                parts[i - 1] = (PythonText.RStrip(parts[i - 1].Text), null);
        }
        parts.RemoveAll(p => p.Token == null && p.Text.Length == 0);
        return parts;
    }
}
