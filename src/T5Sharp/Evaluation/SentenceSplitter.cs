namespace T5Sharp.Evaluation;

/// <summary>
/// A rule-based English sentence splitter for ROUGE-Lsum, standing in for <c>nltk.sent_tokenize</c> (punkt), which HF's
/// summarization scripts use to put one sentence per line. It is NOT punkt: it splits after '.', '!' or '?' (plus any
/// closing quotes or brackets) when whitespace follows and the next word starts with an uppercase letter, a digit or an
/// opening quote, except after common abbreviations ("Mr.", "Dr.", "e.g.", …) and single-letter initials ("J. Smith").
/// Line breaks always end a sentence. Results are trimmed and never empty.
/// </summary>
public static class SentenceSplitter
{
    static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co", "corp",
        "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "dept", "est",
    };

    /// <summary>Splits <paramref name="text"/> into sentences.</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentences = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            int start = 0;
            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] is not ('.' or '!' or '?')) continue;
                int end = i + 1;
                while (end < line.Length && line[end] is '.' or '!' or '?' or '"' or '\'' or ')' or ']' or '”' or '’') end++;
                if (end >= line.Length || !char.IsWhiteSpace(line[end])) { i = end - 1; continue; }
                int next = end;
                while (next < line.Length && char.IsWhiteSpace(line[next])) next++;
                if (next < line.Length && StartsSentence(line[next]) && !(line[i] == '.' && IsAbbreviation(line, start, i)))
                {
                    Add(sentences, line[start..end]);
                    start = next;
                }
                i = end - 1;
            }
            Add(sentences, line[start..]);
        }
        return sentences;
    }

    static bool StartsSentence(char c) => char.IsUpper(c) || char.IsDigit(c) || c is '"' or '\'' or '“' or '‘' or '(' or '[';

    /// <summary>True when the word ending at the period <paramref name="dot"/> is an abbreviation or an initial.</summary>
    static bool IsAbbreviation(string line, int sentenceStart, int dot)
    {
        int w = dot;
        while (w > sentenceStart && !char.IsWhiteSpace(line[w - 1])) w--;
        var word = line[w..dot].TrimStart('(', '"', '\'', '“', '‘');
        if (word.Length == 1 && char.IsLetter(word[0])) return true;
        return Abbreviations.Contains(word);
    }

    static void Add(List<string> sentences, string s)
    {
        s = s.Trim();
        if (s.Length > 0) sentences.Add(s);
    }
}
