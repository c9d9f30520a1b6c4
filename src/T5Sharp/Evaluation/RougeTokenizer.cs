namespace T5Sharp.Evaluation;

/// <summary>
/// rouge_score 0.1.2's default tokenizer: Python <c>lower()</c>, every run of characters outside <c>[a-z0-9]</c>
/// becomes a separator, and with stemming each token longer than 3 characters goes through nltk's Porter stemmer.
/// Non-ASCII letters therefore vanish ("café" → "caf"). Tokens are interned to integer ids so that the scorers
/// compare ints; stems are cached per raw token, which makes repeated words free. Not thread-safe: use one
/// tokenizer (one <see cref="RougeScorer"/>) per thread.
/// </summary>
public sealed class RougeTokenizer
{
    readonly PorterStemmer? _stemmer;
    readonly Dictionary<string, int> _rawToId = new(StringComparer.Ordinal);
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _rawLookup;
    readonly Dictionary<string, int> _tokenToId = new(StringComparer.Ordinal);
    readonly List<string> _idToToken = [];
    char[] _buffer = new char[256];

    public RougeTokenizer(bool useStemmer)
    {
        _stemmer = useStemmer ? new PorterStemmer() : null;
        _rawLookup = _rawToId.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool UseStemmer => _stemmer != null;

    /// <summary>The tokens of <paramref name="text"/> as rouge_score produces them (stemmed if enabled).</summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        var ids = TokenizeToIds(text);
        var tokens = new string[ids.Length];
        for (int i = 0; i < ids.Length; i++) tokens[i] = _idToToken[ids[i]];
        return tokens;
    }

    /// <summary>Token ids; equal ids mean equal (stemmed) tokens within this tokenizer.</summary>
    internal int[] TokenizeToIds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Python's lower() turns 'İ' into "i̇" (two chars), so reserve room for growth.
        if (_buffer.Length < 2 * text.Length) _buffer = new char[2 * text.Length];
        int len = Normalize(text, _buffer);
        var span = _buffer.AsSpan(0, len);

        var ids = new List<int>(len / 4 + 1);
        int start = -1;
        for (int i = 0; i <= len; i++)
        {
            bool sep = i == len || span[i] == ' ';
            if (!sep) { if (start < 0) start = i; continue; }
            if (start >= 0) { ids.Add(IdOf(span[start..i])); start = -1; }
        }
        return ids.ToArray();
    }

    /// <summary>Lowercases like Python and maps every character outside [a-z0-9] to a space.</summary>
    static int Normalize(string text, char[] dst)
    {
        int n = 0;
        foreach (char ch in text)
        {
            char c = ch;
            if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
            else if (c == '\u212A') c = 'k'; // KELVIN SIGN lowercases to ASCII 'k' in Python
            else if (c == '\u0130') { dst[n++] = 'i'; c = ' '; } // 'İ' → "i" + combining dot (a separator)
            dst[n++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : ' ';
        }
        return n;
    }

    int IdOf(ReadOnlySpan<char> raw)
    {
        if (_rawLookup.TryGetValue(raw, out int id)) return id;
        var rawString = raw.ToString();
        // rouge_score stems only tokens longer than 3 characters.
        var token = _stemmer != null && rawString.Length > 3 ? _stemmer.Stem(rawString) : rawString;
        if (!_tokenToId.TryGetValue(token, out id))
        {
            id = _idToToken.Count;
            _idToToken.Add(token);
            _tokenToId[token] = id;
        }
        _rawToId[rawString] = id;
        return id;
    }
}
